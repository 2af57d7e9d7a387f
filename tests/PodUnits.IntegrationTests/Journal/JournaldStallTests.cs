using System.Text.Json.Nodes;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>
/// journald stalled (SIGSTOP here; an I/O stall or a debugger on a real host) while a
/// container floods the datagram path: once the executor's journal socket could take no
/// more, its own lifecycle messages blocked the supervision loop they are sent from, so a
/// failing liveness probe killed nothing and no container restarted until journald read
/// again (review of the log path, finding 3). Host-wide: every other test's journal stalls too.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class JournaldStallTests
{
    private const string Gate = "/var/lib/podunits-test-stall";

    [Fact]
    public void ALivenessKillAndItsRestartHappenWhileJournaldIsStalled()
    {
        const string name = "jo-stall";
        Directory.CreateDirectory(Gate);
        File.Delete($"{Gate}/kill");
        File.Delete($"{Gate}/flood");
        // 64 MB of lines, more than the socket's send buffer (8 MB) and journald's queue hold,
        // once journald is stopped (before, it could have drained them already).
        const string flood = "until [ -e /gate/flood ]; do sleep 0.1; done; yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 64000000; exec sleep 1000";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle,
            extraContainerYaml: """
                      livenessProbe:
                        exec: {command: ["sh", "-c", "test ! -e /gate/kill"]}
                        periodSeconds: 1
                        failureThreshold: 1
                      volumeMounts:
                        - {name: gate, mountPath: /gate, readOnly: true}
                    - name: noisy
                      image: busybox
                      command: ["sh", "-c", "FLOOD"]
                      volumeMounts:
                        - {name: gate, mountPath: /gate, readOnly: true}
                """.Replace("FLOOD", flood, StringComparison.Ordinal),
            extraSpecYaml: $"  volumes:\n    - name: gate\n      hostPath: {{path: {Gate}, type: Directory}}",
            restartPolicy: "Always")) { KillOnDispose = true };
        pod.Start();
        string journald = PodHarness.Run("systemctl", "show", "-p", "MainPID", "--value", "systemd-journald.service").Output.Trim();
        Assert.True(int.TryParse(journald, out int pid) && pid > 1, journald);
        try
        {
            Assert.Equal(0, PodHarness.Run("kill", "-STOP", journald).Code);
            File.WriteAllText($"{Gate}/flood", "");
            // The flood fills the executor's socket meanwhile: its forwarder blocks, then any
            // other send on that socket would.
            Thread.Sleep(3000);
            File.WriteAllText($"{Gate}/kill", "");
            Assert.True(PodHarness.WaitFor(() => Restarts(name) >= 1, 30), $"main restarted {Restarts(name)} times while journald was stopped");
        }
        finally
        {
            PodHarness.Run("kill", "-CONT", journald);
            File.Delete($"{Gate}/kill");
            File.Delete($"{Gate}/flood");
        }
    }

    /// <summary>Logging review of 2026-12-07, finding 4: a journal sync that did not finish
    /// within its 5 s at the pod's end was killed without a word, though the pod's last
    /// datagrams may then be read without their unit.</summary>
    [Fact]
    public void AJournalSyncThatTimesOutAtThePodsEndIsSaid()
    {
        const string name = "jo-sync";
        // Two containers: the datagram path, whose entries need the sync.
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo main-up; " + PodHarness.Idle,
            extraContainerYaml: $"    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", {System.Text.Json.JsonSerializer.Serialize("echo side-up; " + PodHarness.Idle)}]"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=side").Contains("side-up")), pod.UnitJournalText());
        string journald = PodHarness.Run("systemctl", "show", "-p", "MainPID", "--value", "systemd-journald.service").Output.Trim();
        Assert.True(int.TryParse(journald, out int pid) && pid > 1, journald);
        try
        {
            Assert.Equal(0, PodHarness.Run("kill", "-STOP", journald).Code);
            Assert.Equal(0, pod.Systemctl("stop", "--no-block", pod.Unit).Code);
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", 40), pod.Show("ActiveState"));
        }
        finally
        {
            PodHarness.Run("kill", "-CONT", journald);
        }
        Assert.True(pod.UnitJournalHas(l => l.Contains("journalctl --sync did not finish within 5 s", StringComparison.Ordinal)), pod.UnitJournalText());
    }

    private static int Restarts(string pod) =>
        JsonNode.Parse(File.ReadAllText($"/run/podunits/state/{pod}/containers.json"))!.AsArray()
            .OfType<JsonObject>().Single(o => (string?)o["name"] == "main")["restarts"]!.GetValue<int>();
}
