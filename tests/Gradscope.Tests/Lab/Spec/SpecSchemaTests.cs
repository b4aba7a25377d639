using System.Text.Json;
using Gradscope.Lab.Spec;
using static Gradscope.Tests.Lab.Spec.SpecTestKit;

namespace Gradscope.Tests.Lab.Spec;

public class SpecSchemaTests
{
    private static readonly Lazy<JsonDocument> Schema = new(() => JsonDocument.Parse(SpecSchema.Generate()));

    private static JsonElement SectionSchema(string section) =>
        section == SpecTable.Root ? Schema.Value.RootElement : Schema.Value.RootElement.GetProperty("$defs").GetProperty(section);

    [Fact]
    public void IsDraft202012WithEverySection()
    {
        var root = Schema.Value.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        foreach (var s in SpecTable.Sections.Where(s => s.Name != SpecTable.Root))
        {
            Assert.Equal("object", SectionSchema(s.Name).GetProperty("type").GetString());
        }
    }

    [Fact]
    public void ListsEveryKeyOfTheTableAndNothingElse()
    {
        foreach (var s in SpecTable.Sections)
        {
            var props = SectionSchema(s.Name).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(SpecTable.FieldsOf(s.Name).Select(f => f.Key).Distinct(), props);
            Assert.False(SectionSchema(s.Name).GetProperty("additionalProperties").GetBoolean());
        }
    }

    [Fact]
    public void EnumeratesEveryAllowedValue()
    {
        var kinds = SectionSchema(SpecTable.Optimizer).GetProperty("properties").GetProperty("kind").GetProperty("enum")
            .EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(["gd", "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "flow"], kinds);
    }

    public static TheoryData<string, string[]> ValidSpecs() => new()
    {
        { Saxe, [] },
        { Mixture, [] },
        { Flow, [] },
        { Mixture, ["data={kind: fashion-mnist, classes: [3, 1], standardize: true}", "model.widths=[784, 2]", "optimizer.batch_size=null"] },
    };

    [Theory]
    [MemberData(nameof(ValidSpecs))]
    public void AcceptsValidSpecs(string text, string[] overrides)
    {
        var validator = new MiniSchemaValidator(Schema.Value.RootElement);
        using var canonical = JsonDocument.Parse(SpecLoader.ToJson(Parse(text, overrides)));
        Assert.Empty(validator.Validate(canonical.RootElement));
    }

    [Fact]
    public void AcceptsTheDesignExampleAsWritten()
    {
        // The YAML as written (not the resolved spec), converted to JSON by hand.
        using var doc = JsonDocument.Parse("""
            {"name": "saxe-two-layer", "seed": 7, "dtype": "float64",
             "data": {"kind": "linear-teacher", "inputs": 8, "outputs": 8, "samples": 512, "singular_values": [5, 3, 1], "whiten": true},
             "model": {"kind": "deep-linear", "widths": [8, 8, 8], "activation": "tanh", "bias": false, "init": {"kind": "aligned", "scale": 0.001}},
             "loss": "mse", "optimizer": {"kind": "gd", "lr": 0.01}, "steps": 4000,
             "probes": [{"kind": "loss", "every": 10}, {"kind": "mode-strengths", "every": 10}, {"kind": "theory", "every": 10}],
             "checkpoints": {"every": 1000}}
            """);
        Assert.Empty(new MiniSchemaValidator(Schema.Value.RootElement).Validate(doc.RootElement));
    }

    [Theory]
    [InlineData("""{"optimizer": {"kind": "gd", "lr": -1}}""", "$.optimizer.lr")]
    [InlineData("""{"optimizer": {"kind": "adamm", "lr": 1}}""", "$.optimizer.kind")]
    [InlineData("""{"model": {"kind": "mlp", "widht": [1, 2]}}""", "$.model.widht")]
    [InlineData("""{"model": {"kind": "mlp", "widths": [1, 0]}}""", "$.model.widths[1]")]
    [InlineData("""{"steps": -5}""", "$.steps")]
    [InlineData("""{"data": {"kind": "linear-teacher", "hidden": 3}}""", "$.data.hidden")]
    [InlineData("""{"optimizer": {"kind": "flow", "lr": 0.1}}""", "$.optimizer.lr")]
    [InlineData("""{"model": {"kind": "mlp", "init": {"std": 0.1}}}""", "$.model.init.std")]
    [InlineData("""{"data": {"kind": "fashion-mnist", "classes": 3}}""", "$.data.classes")]
    public void RejectsWhatTheLoaderRejects(string patch, string location)
    {
        // Start from a valid canonical spec and replace whole top-level sections with the patch.
        var spec = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(SpecLoader.ToJson(Parse(Saxe)))!;
        foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(patch)!)
        {
            spec[k] = v;
        }
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(spec));
        var errors = new MiniSchemaValidator(Schema.Value.RootElement).Validate(doc.RootElement);
        Assert.Contains(errors, e => e.StartsWith(location + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void RequiresTheKindsRequiredKeys()
    {
        var spec = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(SpecLoader.ToJson(Parse(Saxe)))!;
        spec["data"] = JsonDocument.Parse("""{"kind": "teacher-student", "samples": 10}""").RootElement;
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(spec));
        Assert.Contains("$.data: missing hidden", new MiniSchemaValidator(Schema.Value.RootElement).Validate(doc.RootElement));
    }
}
