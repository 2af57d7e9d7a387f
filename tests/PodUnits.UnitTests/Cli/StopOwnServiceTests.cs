using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

/// <summary>Lifecycle review of 2026-12-07, finding 1: `podunits stop` of a pod that a service
/// of one's own runs (ExecStart=podunits run NAME) SIGTERMed the executor, and the service's
/// Restart=always started the pod again. Such a service is stopped through systemd instead.</summary>
public sealed class StopOwnServiceTests
{
    [Theory]
    [InlineData("web-runner.service", 4242u, true)] // its main process is the executor
    [InlineData("ci-runner.service", 100u, false)] // a step of a CI runner: stopping it would stop more than the pod
    [InlineData("web-runner.service", 0u, false)] // no main process (gone meanwhile)
    [InlineData("pod@web.service", 4242u, false)] // the pod's own service: stopped the usual way
    public void AServiceRunsThePodWhenTheExecutorIsItsMainProcess(string service, uint mainPid, bool runs) =>
        Assert.Equal(runs, AdHocPods.IsRunBy(service, "web", mainPid, 4242));
}
