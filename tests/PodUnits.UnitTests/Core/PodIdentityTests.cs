using PodUnits.Core.Identity;

namespace PodUnits.UnitTests.Core;

public sealed class PodIdentityTests
{
    private const string Host = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void PodIdIsHmacOfTheNameKeyedWithTheHostIdShapedAsUuidV4()
    {
        // Computed independently: python3 hmac.new(bytes.fromhex(Host), b"podunits-pod:local",
        // sha256), first 16 bytes, version nibble 4 and variant bits 10.
        Assert.Equal("d997780100cd459ea0fb1662571e7fc6", PodIdentity.PodId(Host, "local"));
    }

    [Fact]
    public void PodIdDependsOnHostAndName()
    {
        string id = PodIdentity.PodId(Host, "web");
        Assert.Equal(id, PodIdentity.PodId(Host.ToUpperInvariant(), "web"));
        Assert.NotEqual(id, PodIdentity.PodId(Host, "web2"));
        Assert.NotEqual(id, PodIdentity.PodId("fedcba9876543210fedcba9876543210", "web"));
        Assert.Equal('4', id[12]);
        Assert.Contains(id[16], "89ab");
    }

    [Fact]
    public void PodIdRefusesAHostIdThatIsNotOne() =>
        Assert.Throws<ArgumentException>(() => PodIdentity.PodId("uninitialized", "web"));

    [Fact]
    public void ContainerFieldsNameEveryDesignField()
    {
        var fields = PodIdentity.ContainerFields("local", "d997780100cd459ea0fb1662571e7fc6", "main").ToDictionary();
        Assert.Equal(["CONTAINER_NAME", "CONTAINER_ID", "CONTAINER_ID_FULL", "POD_NAME", "POD_ID"], fields.Keys);
        Assert.Equal("main", fields["CONTAINER_NAME"]);
        Assert.Equal("4f83070b2edeb27d6271b04e38b8a25820a04055aa537007ec12360ec054055e", fields["CONTAINER_ID_FULL"]);
        Assert.Equal("4f83070b2ede", fields["CONTAINER_ID"]);
        Assert.Equal("local", fields["POD_NAME"]);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789ABCDEF\n", "0123456789abcdef0123456789abcdef")]
    [InlineData("uninitialized\n", null)]
    [InlineData("", null)]
    public void ReadHostMachineIdTakesOnlyARealId(string content, string? expected)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            Assert.Equal(expected, PodIdentity.ReadHostMachineId(file));
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Null(PodIdentity.ReadHostMachineId(file)); // missing
    }
}
