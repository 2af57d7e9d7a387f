using PodUnits.Systemd.Units;
using Xunit.Abstractions;

namespace PodUnits.IntegrationTests.Systemd;

/// <summary>Transient scopes with resource limits, against the sandbox's real systemd.</summary>
public sealed class TransientScopeTests(ITestOutputHelper output)
{
    private const ulong MiB = 1024 * 1024;

    [Fact]
    public async Task ScopeGetsMemoryAndCpuLimitsAndTheyChangeAtRunTime()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        string unit = test.UnitName("limits");

        await test.Systemd.StartTransientScopeAsync(unit, [(uint)child.Id], new TransientUnitProperties
        {
            Description = "podunits test scope with limits",
            MemoryMax = 64 * MiB,
            CpuQuotaPerSecUSec = TransientUnitProperties.CpuQuotaFromMillicores(250),
            TasksMax = 50,
            CollectMode = CollectMode.InactiveOrFailed,
        }, Timeout());

        UnitStatus status = (await test.Systemd.GetUnitStatusAsync(unit))!;
        Assert.Equal("active", status.ActiveState);
        Assert.Equal("running", status.SubState);
        Assert.Equal("loaded", status.LoadState);
        Assert.Equal(64 * MiB, status.MemoryMax);
        Assert.Equal(250_000UL, status.CpuQuotaPerSecUSec);
        Assert.EndsWith("/" + unit, status.ControlGroup, StringComparison.Ordinal);
        // The child really moved: the kernel lists the scope's cgroup for it.
        Assert.Contains(status.ControlGroup!, File.ReadAllText($"/proc/{child.Id}/cgroup"), StringComparison.Ordinal);
        AssertCgroupFiles(status.ControlGroup!, 64 * MiB, quotaUs: 25_000, periodUs: 100_000);

        await test.Systemd.SetUnitPropertiesAsync(unit, runtime: true, new TransientUnitProperties
        {
            MemoryMax = 128 * MiB,
            CpuQuotaPerSecUSec = TransientUnitProperties.CpuQuotaFromMillicores(500),
        });

        status = (await test.Systemd.GetUnitStatusAsync(unit))!;
        Assert.Equal(128 * MiB, status.MemoryMax);
        Assert.Equal(500_000UL, status.CpuQuotaPerSecUSec);
        AssertCgroupFiles(status.ControlGroup!, 128 * MiB, quotaUs: 50_000, periodUs: 100_000);

        await test.Systemd.StopUnitAsync(unit, Timeout());
        Assert.True(child.WaitForExit(5000), "stopping the scope kills its processes");
        Assert.Null(await test.Systemd.GetUnitStatusAsync(unit)); // collected
    }

    [Fact]
    public async Task KillUnitSignalsTheScopesProcesses()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        string unit = test.UnitName("kill");
        await test.Systemd.StartTransientScopeAsync(unit, [(uint)child.Id], new TransientUnitProperties(), Timeout());

        await test.Systemd.KillUnitAsync(unit, KillWho.All, signal: 15);

        Assert.True(child.WaitForExit(5000), "SIGTERM through KillUnit ends sleep");
        Assert.True(await TestUnits.EventuallyAsync(async () =>
            (await test.Systemd.GetUnitStatusAsync(unit))?.ActiveState is null or "inactive" or "failed"),
            "an empty scope ends");
    }

    [Fact]
    public async Task AbandonAndAddRefUnrefWork()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        string unit = test.UnitName("abandon");
        await test.Systemd.StartTransientScopeAsync(unit, [(uint)child.Id], new TransientUnitProperties { AddRef = true }, Timeout());

        await test.Systemd.UnrefUnitAsync(unit);
        await test.Systemd.AbandonScopeAsync(unit);

        UnitStatus status = (await test.Systemd.GetUnitStatusAsync(unit))!;
        Assert.Equal("abandoned", status.SubState);
        Assert.Equal("active", status.ActiveState);
    }

    [Fact]
    public async Task LoadUnitAndPropertiesOfAnExistingService()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string path = await test.Systemd.LoadUnitAsync("dbus.service");
        Assert.StartsWith("/org/freedesktop/systemd1/unit/dbus", path, StringComparison.Ordinal);

        UnitStatus status = (await test.Systemd.GetUnitStatusAsync("dbus.service"))!;
        Assert.Equal("active", status.ActiveState);
        Assert.True(status.MainPid > 0, "dbus.service has a main process");
        Assert.Equal("success", status.Result);

        var unitProperties = await test.Systemd.GetUnitPropertiesAsync("dbus.service", "org.freedesktop.systemd1.Unit");
        Assert.Equal("dbus.service", unitProperties["Id"].GetString());
    }

    private void AssertCgroupFiles(string controlGroup, ulong memoryMax, long quotaUs, long periodUs)
    {
        string? why = CgroupFiles.WhyLimitsAreNotInFiles(controlGroup);
        if (why is not null)
        {
            // systemd itself reported the limits above; here the kernel files cannot hold them.
            output.WriteLine($"cgroup files not checked: {why}");
            Assert.Contains("read-only", why, StringComparison.Ordinal);
            return;
        }
        CgroupLimits limits = CgroupFiles.Read(controlGroup);
        Assert.Equal(memoryMax, limits.MemoryMax);
        // The quota is per period: 25% of a CPU is 25 ms per 100 ms period.
        Assert.Equal(quotaUs * limits.CpuPeriodUs / periodUs, limits.CpuQuotaUs);
    }

    internal static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
