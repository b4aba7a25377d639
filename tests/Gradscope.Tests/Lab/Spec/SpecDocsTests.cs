using System.Text.RegularExpressions;
using Gradscope.Lab.Spec;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>
/// docs/spec.md carries a reference generated from the spec table. When this test fails, the
/// table changed: regenerate with
/// <c>GRADSCOPE_UPDATE_DOCS=1 dotnet test tests/Gradscope.Tests -c Release --filter FullyQualifiedName~SpecDocsTests</c>
/// and commit docs/spec.md.
/// </summary>
public partial class SpecDocsTests
{
    private static string DocPath => Path.Combine(SpecTestKit.RepoRoot(), "docs", "spec.md");

    [Fact]
    public void ReferenceSectionIsUpToDate()
    {
        var text = File.ReadAllText(DocPath);
        var updated = SpecDocs.UpdateDocument(text);
        if (updated != text && Environment.GetEnvironmentVariable("GRADSCOPE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(DocPath, updated);
            text = updated;
        }
        Assert.True(updated == text,
            "docs/spec.md is out of date with SpecTable; run: GRADSCOPE_UPDATE_DOCS=1 dotnet test tests/Gradscope.Tests -c Release --filter FullyQualifiedName~SpecDocsTests");
    }

    [Fact]
    public void ReferenceNamesEveryKeyAndValue()
    {
        var reference = SpecDocs.GenerateReference();
        foreach (var f in SpecTable.Fields)
        {
            Assert.Contains($"| `{f.Key}` |", reference, StringComparison.Ordinal);
        }
        foreach (var v in SpecTable.Vocabulary.Values.SelectMany(v => v))
        {
            Assert.Contains($"- `{SpecNames.Kebab(v.Value)}`:", reference, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryYamlExampleInTheDocsLoads()
    {
        var blocks = YamlBlock().Matches(File.ReadAllText(DocPath)).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        foreach (var b in blocks.Where(b => b.Contains("name:", StringComparison.Ordinal)))
        {
            SpecLoader.Parse(b, "yaml");
        }
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
