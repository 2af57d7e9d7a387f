using System.Globalization;

namespace PodUnits.Core.Text;

/// <summary>Sizes as systemd prints them (systemctl status's "Memory: 12.3M (max: 256.0M)"):
/// base 1024, one decimal, B/K/M/G/T. A limit of a few bytes shows as such, never as "0.0M".</summary>
public static class ByteSizes
{
    private static readonly string[] Units = ["K", "M", "G", "T", "P", "E"];

    public static string Format(ulong bytes)
    {
        if (bytes < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes}B");
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(value * 10) / 10:0.0}{Units[unit]}");
    }
}
