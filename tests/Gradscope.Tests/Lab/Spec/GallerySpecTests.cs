using Gradscope.Lab.Spec;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>Every built-in experiment under gallery/ must load without errors.</summary>
public class GallerySpecTests
{
    public static TheoryData<string> GallerySpecs()
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(SpecTestKit.RepoRoot(), "gallery");
        if (Directory.Exists(dir))
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                         .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(dir, f));
            }
        }
        if (data.Count == 0)
        {
            data.Add("");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GallerySpecs))]
    public void Loads(string relativePath)
    {
        if (relativePath.Length == 0)
        {
            return; // no gallery specs yet
        }
        var path = Path.Combine(SpecTestKit.RepoRoot(), "gallery", relativePath);
        if (Gradscope.Lab.Sweeps.SweepLoader.IsSweepFile(path))
        {
            // A sweep: every trial's run spec must load.
            Assert.NotEmpty(Gradscope.Lab.Sweeps.SweepPlan.Expand(Gradscope.Lab.Sweeps.SweepLoader.LoadFile(path)));
            return;
        }
        var spec = SpecLoader.LoadFile(path);
        Assert.Equal(spec, SpecLoader.Parse(SpecLoader.ToJson(spec), "json"));
    }
}
