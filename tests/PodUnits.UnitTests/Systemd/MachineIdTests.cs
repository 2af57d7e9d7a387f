using PodUnits.Systemd.Machines;

namespace PodUnits.UnitTests.Systemd;

public sealed class MachineIdTests
{
    [Fact]
    public void RoundTripsBytesAndHex()
    {
        byte[] bytes = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10];
        MachineId id = MachineId.FromBytes(bytes);
        Assert.Equal("0123456789abcdeffedcba9876543210", id.ToString());
        Assert.Equal(bytes, id.ToByteArray());
        Assert.Equal(id, MachineId.Parse("0123456789ABCDEFFEDCBA9876543210"));
        Assert.Equal(id, MachineId.Parse("01234567-89ab-cdef-fedc-ba9876543210"));
    }

    [Fact]
    public void RandomIdsAreV4UuidsAndDiffer()
    {
        MachineId a = MachineId.NewRandom(), b = MachineId.NewRandom();
        Assert.NotEqual(a, b);
        Assert.False(a.IsEmpty);
        Assert.Equal(0x40, a.ToByteArray()[6] & 0xF0);
        Assert.Equal(0x80, a.ToByteArray()[8] & 0xC0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123")]
    [InlineData("0123456789abcdeffedcba987654321g")]
    public void RefusesWhatIsNot32HexDigits(string text)
    {
        Assert.False(MachineId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => MachineId.Parse(text));
    }

    [Fact]
    public void RefusesAWrongByteCount() =>
        Assert.Throws<ArgumentException>(() => MachineId.FromBytes(new byte[15]));
}
