using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gradscope.Lab.Report;

/// <summary>The spec as a reader wants to see it: indented JSON, non-ASCII and '+' left as written.</summary>
internal static class SpecText
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // The page HTML-encodes the text itself; JSON-level escaping of <, >, + would only obscure it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Pretty-printed JSON, or the text unchanged when it is not JSON (it is still worth showing).</summary>
    public static string Pretty(string specJson)
    {
        if (string.IsNullOrWhiteSpace(specJson))
        {
            return "";
        }

        try
        {
            JsonNode? node = JsonNode.Parse(specJson);
            return node is null ? specJson : node.ToJsonString(Indented);
        }
        catch (JsonException)
        {
            return specJson;
        }
    }
}
