using PodUnits.Runtime.Confinement;

namespace PodUnits.UnitTests.Confinement;

/// <summary>The default masks follow current Docker's: /proc/interrupts and each CPU's
/// thermal_throttle (confinement review of 2026-12-07, finding 9).</summary>
public sealed class MaskedPathsTests
{
    [Fact]
    public void ProcInterruptsIsMasked() => Assert.Contains("/proc/interrupts", DefaultConfinement.MaskedPaths);

    [Fact]
    public void EveryCpusThermalThrottleIsMaskedAndNothingElseOfTheCpuDirectory()
    {
        string[] entries = ["cpu1", "cpufreq", "cpu0", "cpuidle", "cpu12", "possible", "cpu", "vulnerabilities", "cpu3x"];
        Assert.Equal(
            ["/sys/devices/system/cpu/cpu0/thermal_throttle", "/sys/devices/system/cpu/cpu1/thermal_throttle", "/sys/devices/system/cpu/cpu12/thermal_throttle"],
            DefaultConfinement.MaskedCpuDirectories(entries));
    }
}
