using System.Globalization;

namespace PodUnits.Definitions;

/// <summary>
/// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity):
/// <c>[+-]number suffix</c> where number is digits with an optional fraction and suffix is a
/// binary SI one (Ki Mi Gi Ti Pi Ei), a decimal SI one (m, none, k M G T P E) or an exponent
/// (e3, E-2). Like Kubernetes, a value that is not whole is rounded up (1.5 bytes is 2,
/// 0.0005 CPU is 1m). Limits must be greater than zero here: a zero MemoryMax or CPUQuota
/// would stop the container, never what a limit is meant for.
/// </summary>
public static partial class Quantities
{
    /// <summary>"0", "0m", "-0", "0.0Mi", "0e3": a quantity of zero, however it is written
    /// (the API server takes it for an unset divisor, a request of none).</summary>
    public static bool IsZero(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ZeroQuantity().IsMatch(text);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[+-]?0+(\.0*)?([eE][+-]?[0-9]+)?([kMGTPE]i?|[munp])?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ZeroQuantity();

    /// <summary>The least memory limit `run -i --memory` and `update --memory` take: 6 MiB, as
    /// podman and Docker (a limit of a few bytes is accepted by systemd and the kernel, and
    /// OOM-kills the container at once). A definition's limits.memory follows Kubernetes,
    /// which sets no floor.</summary>
    public const long LeastCliMemoryBytes = 6L << 20;

    /// <summary>Memory in bytes; false with a reason ("100Mb": unknown suffix) otherwise.</summary>
    public static bool TryParseMemoryBytes(string text, out long bytes, out string? error)
    {
        bytes = 0;
        if (!TryParse(text, out decimal value, out error))
        {
            return false;
        }
        return TryToWhole(value, 1m, text, out bytes, out error);
    }

    /// <summary>CPU in millicores ("500m" = 500, "0.5" = 500, "2" = 2000).</summary>
    public static bool TryParseCpuMillis(string text, out long millis, out string? error)
    {
        millis = 0;
        if (!TryParse(text, out decimal value, out error))
        {
            return false;
        }
        return TryToWhole(value, 1000m, text, out millis, out error);
    }

    private static bool TryToWhole(decimal value, decimal scale, string text, out long result, out string? error)
    {
        result = 0;
        error = null;
        if (value <= 0)
        {
            error = $"\"{text}\" must be greater than zero";
            return false;
        }
        try
        {
            decimal scaled = decimal.Ceiling(value * scale);
            if (scaled > long.MaxValue)
            {
                error = $"\"{text}\" is too large";
                return false;
            }
            result = (long)scaled;
            return true;
        }
        catch (OverflowException)
        {
            error = $"\"{text}\" is too large";
            return false;
        }
    }

    /// <summary>Parses the quantity syntax into its exact value.</summary>
    public static bool TryParse(string text, out decimal value, out string? error)
    {
        value = 0;
        error = null;
        int i = 0;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }
        int digits = 0;
        bool point = false;
        for (; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits++;
            }
            else if (text[i] == '.' && !point)
            {
                point = true;
            }
            else
            {
                break;
            }
        }
        if (digits == 0)
        {
            error = $"\"{text}\" is not a quantity (expected a number like 128Mi, 1G, 500m or 0.5)";
            return false;
        }
        string number = text[..i];
        string suffix = text[i..];
        if (!TryMultiplier(suffix, out decimal multiplier))
        {
            if (suffix.Length >= 2 && suffix[0] is 'e' or 'E' && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                error = $"\"{text}\" is out of range (exponents from e-18 to e24)";
                return false;
            }
            error = suffix.Length == 2 && char.ToUpperInvariant(suffix[1]) == 'B' && "KMGTPE".Contains(char.ToUpperInvariant(suffix[0]), StringComparison.Ordinal)
                ? $"\"{text}\" is not a quantity: \"{suffix}\" is not a unit; write {number}{char.ToUpperInvariant(suffix[0]).ToString().Replace("K", "k", StringComparison.Ordinal)} (powers of 1000) or {number}{char.ToUpperInvariant(suffix[0])}i (powers of 1024)"
                : $"\"{text}\" is not a quantity: unknown suffix \"{suffix}\" (use Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m or an exponent like e6)";
            return false;
        }
        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal mantissa))
        {
            error = $"\"{text}\" is too large";
            return false;
        }
        try
        {
            value = mantissa * multiplier;
        }
        catch (OverflowException)
        {
            error = $"\"{text}\" is too large";
            return false;
        }
        return true;
    }

    private static bool TryMultiplier(string suffix, out decimal multiplier)
    {
        multiplier = suffix switch
        {
            "" => 1m,
            "m" => 0.001m,
            "k" => 1e3m,
            "M" => 1e6m,
            "G" => 1e9m,
            "T" => 1e12m,
            "P" => 1e15m,
            "E" => 1e18m,
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            "Ti" => 1L << 40,
            "Pi" => 1L << 50,
            "Ei" => 1L << 60,
            _ => 0m,
        };
        if (multiplier != 0m)
        {
            return true;
        }
        // Decimal exponent: e or E followed by a signed integer (1e3, 5E-1).
        if (suffix.Length >= 2 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int exponent)
            && char.IsAsciiDigit(suffix[^1]) && exponent is >= -18 and <= 24)
        {
            multiplier = 1m;
            for (int k = 0; k < Math.Abs(exponent); k++)
            {
                multiplier = exponent > 0 ? multiplier * 10m : multiplier / 10m;
            }
            return true;
        }
        return false;
    }
}
