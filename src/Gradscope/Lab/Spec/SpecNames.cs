using System.Text;

namespace Gradscope.Lab.Spec;

/// <summary>Spec spellings: kebab-case values for enum members, PascalCase properties for snake_case keys.</summary>
public static class SpecNames
{
    /// <summary>LinearTeacher -> linear-teacher, Float64 -> float64, DistanceFromInit -> distance-from-init.</summary>
    public static string Kebab(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.ToString();
        var sb = new StringBuilder(s.Length + 4);
        for (int i = 0; i < s.Length; i++)
        {
            // A hyphen before an upper-case letter that follows a lower-case letter or a digit;
            // digits stay attached to the word before them (Float64, Dopri5, Rk4).
            if (i > 0 && char.IsUpper(s[i]) && (char.IsLower(s[i - 1]) || char.IsDigit(s[i - 1])))
            {
                sb.Append('-');
            }
            sb.Append(char.ToLowerInvariant(s[i]));
        }
        return sb.ToString();
    }

    /// <summary>The spec value of an enum member.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Kebab(value);

    /// <summary>test_samples -> TestSamples, t_mult -> TMult.</summary>
    public static string Pascal(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(key.Length);
        bool up = true;
        foreach (var c in key)
        {
            if (c is '_' or '-')
            {
                up = true;
                continue;
            }
            sb.Append(up ? char.ToUpperInvariant(c) : c);
            up = false;
        }
        return sb.ToString();
    }
}
