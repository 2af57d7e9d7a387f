using System.Diagnostics;
using PodUnits.Systemd;
using PodUnits.Systemd.Machines;
using PodUnits.Systemd.Units;

namespace PodUnits.IntegrationTests.Systemd;

/// <summary>
/// What one test creates in the sandbox's systemd: child processes, units and machines,
/// all removed again on dispose (also when the test failed half-way), best effort.
/// </summary>
internal sealed class TestUnits : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _units = [];
    private readonly List<string> _machines = [];
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];

    private TestUnits(SystemdManager systemd) => Systemd = systemd;

    public SystemdManager Systemd { get; }

    public MachineManager Machines => Systemd.Machines;

    public static async Task<TestUnits> StartAsync() => new(await SystemdManager.ConnectAsync());

    /// <summary>A unique name like podunits-test-TAG-what.scope, remembered for clean-up.</summary>
    public string UnitName(string what, string suffix = "scope")
    {
        string name = $"podunits-test-{_tag}-{what}.{suffix}";
        _units.Add(name);
        return name;
    }

    public string MachineName(string what)
    {
        string name = $"put-{_tag}-{what}";
        _machines.Add(name);
        return name;
    }

    /// <summary>A child `sleep 300`: a process to put into scopes.</summary>
    public Process Sleeper()
    {
        var process = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string machine in _machines)
        {
            await IgnoreFailureAsync(() => Machines.TerminateMachineAsync(machine));
        }
        foreach (Process process in _processes)
        {
            try
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        foreach (string unit in _units)
        {
            await IgnoreFailureAsync(() => Systemd.StopUnitAsync(unit, timeout.Token));
            await IgnoreFailureAsync(() => Systemd.ResetFailedUnitAsync(unit));
        }
        await Systemd.DisposeAsync();
    }

    private static async Task IgnoreFailureAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is SystemdCallException or OperationCanceledException)
        {
            // clean-up is best effort: the thing may be gone already
        }
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; for effects of other actors (machined).</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(20);
        }
        return await condition();
    }

    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
