using System.Reflection;
using Gradscope.Lab.Spec;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>The table is the single source of truth: these keep it consistent with the records and enums.</summary>
public class SpecTableTests
{
    public static TheoryData<string, string> Rows()
    {
        var d = new TheoryData<string, string>();
        foreach (var f in SpecTable.Fields.Select(f => (f.Section, f.Key)).Distinct())
        {
            d.Add(f.Section, f.Key);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void EveryRowBindsToAPropertyOfAFittingType(string section, string key)
    {
        var s = SpecTable.SectionNamed(section);
        foreach (var row in SpecTable.FieldsOf(section).Where(r => r.Key == key))
        {
            var p = s.RecordType.GetProperty(row.PropertyName, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(p is not null, $"{s.RecordType.Name} has no property {row.PropertyName} for {key}");
            Assert.True(p!.CanWrite, $"{s.RecordType.Name}.{p.Name} has no init accessor");
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var expected = row.Type switch
            {
                SpecType.String or SpecType.Path => typeof(string),
                SpecType.Bool => typeof(bool),
                SpecType.Int => typeof(int),
                SpecType.Long => typeof(long),
                SpecType.Double => typeof(double),
                SpecType.Enum => row.EnumType!,
                SpecType.IntList => typeof(ValueList<int>),
                SpecType.DoubleList => typeof(ValueList<double>),
                SpecType.StringList => typeof(ValueList<string>),
                SpecType.Section => SpecTable.SectionNamed(row.Child!).RecordType,
                SpecType.SectionList => typeof(ValueList<>).MakeGenericType(SpecTable.SectionNamed(row.Child!).RecordType),
                _ => typeof(void),
            };
            Assert.Equal(expected, t);
            if (row.Default is not null)
            {
                Assert.True(t.IsInstanceOfType(row.Default), $"default of {key} is a {row.Default.GetType().Name}, property is {t.Name}");
            }
            Assert.False(row.Required && (row.Default is not null || row.DefaultNote is not null), $"{key} is required and has a default");
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void RowsOfOneKeyCoverDisjointKindsOfTheSection(string section, string key)
    {
        var s = SpecTable.SectionNamed(section);
        var rows = SpecTable.FieldsOf(section).Where(r => r.Key == key).ToList();
        if (rows.Count > 1)
        {
            Assert.All(rows, r => Assert.NotNull(r.Kinds));
            var all = rows.SelectMany(r => r.Kinds!).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
        }
        foreach (var k in rows.SelectMany(r => r.Kinds ?? []))
        {
            Assert.Equal(s.KindEnum, k.GetType());
        }
    }

    [Fact]
    public void EveryEnumMemberHasOneDescribedValue()
    {
        var enums = SpecTable.Fields.Where(f => f.Type == SpecType.Enum).Select(f => f.EnumType!).Distinct().ToList();
        foreach (var t in enums)
        {
            Assert.True(SpecTable.Vocabulary.ContainsKey(t), $"{t.Name} has no vocabulary");
            var described = SpecTable.Vocabulary[t].Select(v => v.Value).ToList();
            Assert.Equal(Enum.GetValues(t).Cast<Enum>().ToList(), described);
            Assert.All(SpecTable.Vocabulary[t], v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        }
        Assert.Equal(enums.OrderBy(t => t.Name), SpecTable.Vocabulary.Keys.OrderBy(t => t.Name));
    }

    [Fact]
    public void EverySectionWithAKindHasAKindRow()
    {
        foreach (var s in SpecTable.Sections)
        {
            var kindRow = SpecTable.FieldsOf(s.Name).SingleOrDefault(f => f.Key == "kind");
            Assert.Equal(s.KindEnum, kindRow?.EnumType);
            Assert.Equal(s.RecordType, s.Name == SpecTable.Root ? typeof(ExperimentSpec) : s.RecordType);
        }
        Assert.All(SpecTable.Fields, f => Assert.Contains(SpecTable.Sections, s => s.Name == f.Section));
    }

    [Theory]
    [InlineData(DataKind.LinearTeacher, "linear-teacher")]
    [InlineData(DataKind.FashionMnist, "fashion-mnist")]
    [InlineData(DType.Float64, "float64")]
    [InlineData(FlowMethod.Dopri5, "dopri5")]
    [InlineData(ProbeKind.DistanceFromInit, "distance-from-init")]
    [InlineData(OptimizerKind.Adamw, "adamw")]
    [InlineData(Gradscope.Nn.Activation.LeakyRelu, "leaky-relu")]
    [InlineData(Gradscope.Losses.LossKind.CrossEntropy, "cross-entropy")]
    public void EnumValuesAreKebabCase(Enum value, string expected) => Assert.Equal(expected, SpecNames.Kebab(value));

    [Theory]
    [InlineData("test_samples", "TestSamples")]
    [InlineData("t_mult", "TMult")]
    [InlineData("t0", "T0")]
    [InlineData("lr", "Lr")]
    public void KeysMapToPascalCaseProperties(string key, string expected) => Assert.Equal(expected, SpecNames.Pascal(key));

    [Fact]
    public void ValueListsCompareByElements()
    {
        ValueList<int> a = [1, 2, 3];
        ValueList<int> b = new[] { 1, 2, 3 };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, [1, 2]);
        Assert.Equal(new ModelSpec { Widths = [4, 4] }, new ModelSpec { Widths = [4, 4] });
    }
}
