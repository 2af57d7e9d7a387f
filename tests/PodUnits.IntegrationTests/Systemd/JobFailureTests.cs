using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.IntegrationTests.Systemd;

/// <summary>What systemd refuses, and jobs that fail, arrive as SystemdCallException.</summary>
public sealed class JobFailureTests
{
    [Fact]
    public async Task ScopeForAMissingProcessIsRefusedWithTheDBusError()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string unit = test.UnitName("nopid");
        var e = await Assert.ThrowsAsync<SystemdCallException>(() =>
            test.Systemd.StartTransientScopeAsync(unit, [int.MaxValue - 1], new TransientUnitProperties(), TransientScopeTests.Timeout()));
        Assert.NotNull(e.DBusErrorName);
        Assert.StartsWith($"unit {unit}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"({e.DBusErrorName})", e.Message, StringComparison.Ordinal);
        Assert.Contains((int.MaxValue - 1).ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceWithAMissingBinaryFailsItsStartJob()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string unit = test.UnitName("nobinary", "service");
        var e = await Assert.ThrowsAsync<SystemdCallException>(() =>
            test.Systemd.StartTransientServiceAsync(unit, new TransientUnitProperties
            {
                ServiceType = "exec", // the start job waits for execve(): a missing binary fails the job
                ExecStart = [ExecCommand.Of("/nonexistent/podunits-test-binary")],
                CollectMode = CollectMode.InactiveOrFailed,
            }, TransientScopeTests.Timeout()));
        Assert.Equal("failed", e.JobResult);
        Assert.Null(e.DBusErrorName);
        Assert.Contains($"journalctl -u {unit}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceThatStartsRunsAndIsStopped()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string unit = test.UnitName("sleeper", "service");
        await test.Systemd.StartTransientServiceAsync(unit, new TransientUnitProperties
        {
            ServiceType = "exec",
            ExecStart = [ExecCommand.Of("/bin/sleep", "300")],
            KillSignal = 15,
            TimeoutStopUSec = 5_000_000,
            SendSigkill = true,
        }, TransientScopeTests.Timeout());

        UnitStatus status = (await test.Systemd.GetUnitStatusAsync(unit))!;
        Assert.Equal("running", status.SubState);
        Assert.True(status.MainPid > 0);
        Assert.Equal("sleep", File.ReadAllText($"/proc/{status.MainPid}/comm").Trim());
        string? started = StartTime(status.MainPid);

        await test.Systemd.StopUnitAsync(unit, TransientScopeTests.Timeout());
        // Dead: gone, a zombie (systemd finishes the stop job inside its SIGCHLD handler and
        // reaps the process only after that handler returns, so the JobRemoved signal can
        // arrive first), or its PID already reused (pid_max is 32768 on a 2-core machine, and
        // other tests' containers start sleeps in loops): the start time tells them apart.
        (string? after, char state) = StartTimeAndState(status.MainPid);
        Assert.True(after != started || state == 'Z',
            $"process {status.MainPid} still runs (state {state}) after its unit was stopped");
    }

    /// <summary>
    /// The process's start time in clock ticks since boot and its state (proc(5), stat fields
    /// 22 and 3), or (null, '-') when there is no such process.
    /// </summary>
    private static (string? StartTime, char State) StartTimeAndState(uint pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[19], fields[0][0]);
        }
        catch (IOException)
        {
            return (null, '-');
        }
    }

    private static string? StartTime(uint pid) => StartTimeAndState(pid).StartTime;

    [Fact]
    public async Task ASecondScopeWithTheSameNameIsUnitExists()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string unit = test.UnitName("twice");
        await test.Systemd.StartTransientScopeAsync(unit, [(uint)test.Sleeper().Id], new TransientUnitProperties(), TransientScopeTests.Timeout());
        var e = await Assert.ThrowsAsync<SystemdCallException>(() =>
            test.Systemd.StartTransientScopeAsync(unit, [(uint)test.Sleeper().Id], new TransientUnitProperties(), TransientScopeTests.Timeout()));
        Assert.Equal(DBusErrors.UnitExists, e.DBusErrorName);
        Assert.StartsWith($"unit {unit}: already exists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingUnitsAreNullOrNoSuchUnit()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        string unit = test.UnitName("never");
        Assert.Null(await test.Systemd.GetUnitStatusAsync(unit));
        Assert.Null(await test.Systemd.GetUnitAsync(unit));
        var stop = await Assert.ThrowsAsync<SystemdCallException>(() => test.Systemd.StopUnitAsync(unit, TransientScopeTests.Timeout()));
        Assert.Equal(DBusErrors.NoSuchUnit, stop.DBusErrorName);
        var kill = await Assert.ThrowsAsync<SystemdCallException>(() => test.Systemd.KillUnitAsync(unit, KillWho.All, 15));
        Assert.Equal(DBusErrors.NoSuchUnit, kill.DBusErrorName);
    }

    [Fact]
    public async Task AnInvalidUnitNameIsInvalidArgs()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var e = await Assert.ThrowsAsync<SystemdCallException>(() =>
            test.Systemd.StartTransientScopeAsync("bad name.scope", [(uint)test.Sleeper().Id], new TransientUnitProperties(),
                TransientScopeTests.Timeout()));
        Assert.Equal(DBusErrors.InvalidArgs, e.DBusErrorName);
        Assert.StartsWith("unit bad name.scope: ", e.Message, StringComparison.Ordinal);
    }
}
