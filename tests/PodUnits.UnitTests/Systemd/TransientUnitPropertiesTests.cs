using PodUnits.Systemd.Units;

namespace PodUnits.UnitTests.Systemd;

public sealed class TransientUnitPropertiesTests
{
    [Fact]
    public void WritesOnlySetPropertiesWithSystemdNamesAndTypes()
    {
        var properties = new TransientUnitProperties
        {
            Description = "container web of pod hello",
            Slice = "machine.slice",
            Delegate = true,
            CollectMode = CollectMode.InactiveOrFailed,
            AddRef = true,
            MemoryMax = 256 * 1024 * 1024,
            CpuQuotaPerSecUSec = TransientUnitProperties.CpuQuotaFromMillicores(500),
            TasksMax = 100,
            KillMode = KillMode.Mixed,
            KillSignal = 15,
            TimeoutStopUSec = 10_000_000,
            SendSigkill = true,
        };
        properties.Extra.Add(UnitProperty.OfString("OOMPolicy", "kill"));

        string[] written = properties.ToProperties().Select(p => p.ToString()).ToArray();

        Assert.Equal(
        [
            "Description (s)", "Slice (s)", "Delegate (b)", "CollectMode (s)", "AddRef (b)", "MemoryMax (t)",
            "CPUQuotaPerSecUSec (t)", "TasksMax (t)", "KillMode (s)", "KillSignal (i)", "TimeoutStopUSec (t)",
            "SendSIGKILL (b)", "OOMPolicy (s)",
        ], written);
    }

    [Fact]
    public void DevicePolicyAndAllowListAreWrittenAsSystemdTakesThem()
    {
        var properties = new TransientUnitProperties
        {
            DevicePolicy = "closed",
            DeviceAllow = [("/dev/null", "rwm"), ("char-pts", "rw")],
        };
        Assert.Equal(["DevicePolicy (s)", "DeviceAllow (a(ss))"], properties.ToProperties().Select(p => p.ToString()));
    }

    [Fact]
    public void EmptyPropertiesWriteNothing() => Assert.Empty(new TransientUnitProperties().ToProperties());

    [Fact]
    public void ServicesGetTypeAndExecStart()
    {
        var properties = new TransientUnitProperties
        {
            ServiceType = "exec",
            ExecStart = [ExecCommand.Of("/bin/sleep", "5")],
        };
        Assert.Equal(["Type (s)", "ExecStart (a(sasb))"], properties.ToProperties().Select(p => p.ToString()));
        Assert.Equal(["/bin/sleep", "5"], properties.ExecStart[0].Arguments);
    }

    [Fact]
    public void MillicoresBecomeMicrosecondsPerSecond()
    {
        Assert.Equal(500_000UL, TransientUnitProperties.CpuQuotaFromMillicores(500));
        Assert.Equal(2_000_000UL, TransientUnitProperties.CpuQuotaFromMillicores(2000));
    }

    [Theory]
    [InlineData(1UL, 10_000UL)]
    [InlineData(5UL, 10_000UL)]
    [InlineData(10UL, 10_000UL)]
    [InlineData(15UL, 20_000UL)]
    [InlineData(1234UL, 1_240_000UL)]
    public void AQuotaIsAWholePercentSoADaemonReloadKeepsIt(ulong millicores, ulong quota) =>
        Assert.Equal(quota, TransientUnitProperties.CpuQuotaFromMillicores(millicores));

    /// <summary>Review of 2026-12-05: limits.cpu: 20T passed validation and then threw an
    /// OverflowException making the scope. A quota past what the property holds is none.</summary>
    [Fact]
    public void AnEnormousCpuLimitIsNoQuotaRatherThanAnOverflow()
    {
        Assert.Equal(500_000UL, TransientUnitProperties.CpuQuotaFromMillicores(500)); // half of a second per second
        Assert.Equal(ulong.MaxValue, TransientUnitProperties.CpuQuotaFromMillicores(20_000_000_000_000_000));
        Assert.Equal(ulong.MaxValue, TransientUnitProperties.CpuQuotaFromMillicores(ulong.MaxValue));
    }

    [Fact]
    public void ControllerSwapAndWeightAreWrittenAsSystemdTakesThem()
    {
        var properties = new TransientUnitProperties { Controller = ":1.42", MemoryMax = 1 << 20, MemorySwapMax = 0, CpuWeight = 20 };
        Assert.Equal(["Controller (s)", "MemoryMax (t)", "MemorySwapMax (t)", "CPUWeight (t)"],
            properties.ToProperties().Select(p => p.ToString()));
    }

    /// <summary>The kubelet's MilliCPUToShares (truncated, 2 to 262144 shares) and runc's
    /// 1 + (shares − 2) × 9999 / 262142, truncated (systemd review of 2026-12-07, finding 5).</summary>
    [Theory]
    [InlineData(0UL, 1UL)] // no request: 2 shares
    [InlineData(1UL, 1UL)] // 1 share, raised to 2
    [InlineData(100UL, 4UL)] // 102 shares
    [InlineData(250UL, 10UL)] // 256
    [InlineData(500UL, 20UL)] // 512: 1 + 19.45
    [InlineData(1000UL, 39UL)] // 1024: 1 + 38.98, not systemd's 100
    [InlineData(2000UL, 79UL)] // 2048
    [InlineData(128_000UL, 5000UL)] // 131072 shares
    [InlineData(262_144UL, 10_000UL)] // past the most shares: the most weight
    [InlineData(ulong.MaxValue, 10_000UL)]
    public void ACpuRequestWeighsAsTheKubeletWeighsIt(ulong millicores, ulong weight) =>
        Assert.Equal(weight, TransientUnitProperties.CpuWeightFromMillicores(millicores));
}
