using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("1", 1L)]
    [InlineData("128974848", 128974848L)]
    [InlineData("129e6", 129000000L)]
    [InlineData("1e3", 1000L)]
    [InlineData("1E3", 1000L)]
    [InlineData("129M", 129000000L)]
    [InlineData("123Mi", 128974848L)]
    [InlineData("1k", 1000L)]
    [InlineData("1Ki", 1024L)]
    [InlineData("1G", 1000000000L)]
    [InlineData("1Gi", 1073741824L)]
    [InlineData("1.5Gi", 1610612736L)]
    [InlineData("1T", 1000000000000L)]
    [InlineData("1Ti", 1099511627776L)]
    [InlineData("1P", 1000000000000000L)]
    [InlineData("1Pi", 1125899906842624L)]
    [InlineData("1E", 1000000000000000000L)]
    [InlineData("1Ei", 1152921504606846976L)]
    [InlineData("128974848000m", 128974848L)]
    [InlineData("1500m", 2L)]   // rounded up, as Kubernetes' Value() does
    [InlineData("0.5", 1L)]
    [InlineData(".5Ki", 512L)]
    [InlineData("+2Mi", 2097152L)]
    public void ParsesMemoryToBytes(string text, long bytes)
    {
        Assert.True(Quantities.TryParseMemoryBytes(text, out long actual, out string? error), error);
        Assert.Equal(bytes, actual);
    }

    [Theory]
    [InlineData("500m", 500L)]
    [InlineData("0.5", 500L)]
    [InlineData("2", 2000L)]
    [InlineData("1", 1000L)]
    [InlineData("0.1", 100L)]
    [InlineData("100m", 100L)]
    [InlineData("1.5", 1500L)]
    [InlineData("0.0001", 1L)]  // finer than 1m rounds up to 1m
    [InlineData("2e0", 2000L)]
    public void ParsesCpuToMillicores(string text, long millis)
    {
        Assert.True(Quantities.TryParseCpuMillis(text, out long actual, out string? error), error);
        Assert.Equal(millis, actual);
    }

    [Theory]
    [InlineData("100Mb", "\"100Mb\" is not a quantity: \"Mb\" is not a unit; write 100M (powers of 1000) or 100Mi (powers of 1024)")]
    [InlineData("1kb", "\"1kb\" is not a quantity: \"kb\" is not a unit; write 1k (powers of 1000) or 1Ki (powers of 1024)")]
    [InlineData("-1", "\"-1\" must be greater than zero")]
    [InlineData("0", "\"0\" must be greater than zero")]
    [InlineData("1.5.3", "\"1.5.3\" is not a quantity: unknown suffix \".3\" (use Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m or an exponent like e6)")]
    [InlineData("", "\"\" is not a quantity (expected a number like 128Mi, 1G, 500m or 0.5)")]
    [InlineData("Mi", "\"Mi\" is not a quantity (expected a number like 128Mi, 1G, 500m or 0.5)")]
    [InlineData("1 Gi", "\"1 Gi\" is not a quantity: unknown suffix \" Gi\" (use Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m or an exponent like e6)")]
    [InlineData("1e", "\"1e\" is not a quantity: unknown suffix \"e\" (use Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m or an exponent like e6)")]
    [InlineData("1mi", "\"1mi\" is not a quantity: unknown suffix \"mi\" (use Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m or an exponent like e6)")]
    [InlineData("16Ei", "\"16Ei\" is too large")]
    [InlineData("1e30", "\"1e30\" is out of range (exponents from e-18 to e24)")]
    [InlineData("99999999999999999999999999999999", "\"99999999999999999999999999999999\" is too large")]
    public void RejectsMemoryWithAReason(string text, string reason)
    {
        Assert.False(Quantities.TryParseMemoryBytes(text, out _, out string? error));
        Assert.Equal(reason, error);
    }
}
