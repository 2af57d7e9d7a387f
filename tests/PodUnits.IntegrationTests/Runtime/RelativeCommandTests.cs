namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// A relative command (`./server` of an image with WORKDIR /app) is looked up in the
/// container's working directory, as runc does after its chdir, for the container's command,
/// an exec probe, an exec hook and `podunits enter` alike; it was looked up in "/" and failed
/// with 127 (stage 1 native review of 2026-12-07, finding 4). Both start paths: in the
/// host's users (container-start looks it up after pivot_root) and with a user namespace
/// (looked up inside the root before the native pivot).
/// </summary>
public sealed class RelativeCommandTests
{
    private const string Podunits = "/usr/bin/podunits";

    [Theory]
    [InlineData("rt-relative-cmd", "")]
    [InlineData("rt-relative-cmd-userns", "  hostUsers: false")]
    public void ARelativeCommandRunsFromTheWorkingDirectory(string name, string spec)
    {
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "unused", extraSpecYaml: spec, extraContainerYaml: """
                  workingDir: /bin
                  readinessProbe:
                    periodSeconds: 1
                    exec:
                      command: ["./test", "-e", "/tmp/hooked"]
                  lifecycle:
                    postStart:
                      exec:
                        command: ["./sh", "-c", "echo hooked > /tmp/hooked"]
            """).Replace("command: [\"sh\", \"-c\", \"unused\"]",
                "command: [\"./sh\", \"-c\", \"echo ok; trap 'exit 0' TERM; sleep 1980 & wait\"]", StringComparison.Ordinal));
        // The start waits for the readiness probe, which passes once the hook has run.
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("ok")), pod.UnitJournalText());

        var enter = PodHarness.Run(Podunits, "enter", name, "--", "./cat", "/tmp/hooked");
        Assert.Equal((0, "hooked"), (enter.Code, enter.Output.Trim()));
        var missing = PodHarness.Run(Podunits, "enter", name, "--", "./no-such");
        Assert.Equal((127, $"podunits: pod {name}: container main: executable \"./no-such\" not found in image (in the working directory /bin)"),
            (missing.Code, missing.Output.Trim()));
    }
}
