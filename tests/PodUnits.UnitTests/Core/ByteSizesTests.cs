using PodUnits.Core.Text;

namespace PodUnits.UnitTests.Core;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData(0UL, "0B")]
    [InlineData(1UL, "1B")] // `update --memory 1` once showed as "0.0M"
    [InlineData(1023UL, "1023B")]
    [InlineData(1024UL, "1.0K")]
    [InlineData(1536UL, "1.5K")]
    [InlineData(24UL << 20, "24.0M")]
    [InlineData((1UL << 30) - 1, "1023.9M")] // rounded down, never up to a unit's 1024.0
    [InlineData(3UL << 30, "3.0G")]
    [InlineData(ulong.MaxValue, "16.0E")]
    public void SizesReadAsSystemdPrintsThem(ulong bytes, string expected) =>
        Assert.Equal(expected, ByteSizes.Format(bytes));
}
