using System.Text.Json.Nodes;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// `podunits auto-update` end to end: a running pod annotated podunits.io/auto-update:
/// registry, images pushed by skopeo to a real registry. --dry-run changes nothing; a new
/// digest is pulled and the pod restarted on it; a broken image (its readiness probe never
/// passes) is rolled back after the unit's start timeout and the pod runs the old digest
/// again. Runs alone: it writes /etc/podunits/registries.yaml.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class AutoUpdateTests : IClassFixture<RegistryFixture>, IDisposable
{
    private const string Pod = "auto-pod";
    private const string TimeoutDropIn = "/etc/systemd/system/pod@auto-pod.service.d/zz-test-timeout.conf";
    private readonly RegistryFixture _registry;
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-autoupdate-").FullName;
    private readonly GpgTestKeys _pusher;
    private readonly InsecureRegistryConfig _registries;

    public AutoUpdateTests(RegistryFixture registry)
    {
        _registry = registry;
        _pusher = new GpgTestKeys(_dir);
        _registries = new InsecureRegistryConfig(registry.Host);
        // A short start timeout, so a pod that never gets ready is rolled back quickly.
        Directory.CreateDirectory(Path.GetDirectoryName(TimeoutDropIn)!);
        File.WriteAllText(TimeoutDropIn, "[Service]\nTimeoutStartSec=8s\n");
    }

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(TimeoutDropIn)!, recursive: true);
        PodHarness.Run("systemctl", "daemon-reload");
        _registries.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> PushAsync(string marker, string repository = "auto/app", string tag = "1")
    {
        string layout = await _registry.PushBusyboxAsync($"staging/app:{Guid.NewGuid():N}", marker: marker + "\n");
        return _pusher.Push(layout, $"{_registry.Host}/{repository}:{tag}", null);
    }

    private static (int Code, JsonArray Rows, string Output) AutoUpdate(params string[] extra)
    {
        var run = PodHarness.Run("/usr/bin/podunits", ["auto-update", "-o", "json", .. extra]);
        int start = run.Output.IndexOf('[', StringComparison.Ordinal);
        Assert.True(start >= 0, run.Output);
        return (run.Code, (JsonArray)JsonNode.Parse(run.Output[start..(run.Output.LastIndexOf(']') + 1)])!, run.Output);
    }

    /// <summary>The digest the running pod's executor recorded for <paramref name="image"/>.</summary>
    private static string PinnedDigest(string image) =>
        File.ReadAllLines($"/var/lib/podunits/pods/{Pod}/images").Single(l => l.StartsWith(image + " ", StringComparison.Ordinal)).Split(' ')[1];

    /// <summary>The one row for the tag, after checking the digest-pinned container's row:
    /// a digest reference is never updated.</summary>
    private static JsonNode TagRow(JsonArray rows, string image, string pinned)
    {
        Assert.Equal(2, rows.Count);
        JsonNode pinnedRow = rows.Single(r => (string?)r!["image"] == pinned)!;
        Assert.Equal("pinned", (string?)pinnedRow["result"]);
        return rows.Single(r => (string?)r!["image"] == image)!;
    }

    [Fact]
    public async Task UpdatesToANewDigestAndRollsBackAnImageThatNeverGetsReady()
    {
        string image = $"{_registry.Host}/auto/app:1";
        string v1 = await PushAsync("good v1");
        string pinned = $"{_registry.Host}/auto/app@{v1}";
        using var pod = new PodHarness(Pod, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{Pod}}
              annotations:
                podunits.io/auto-update: registry
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  image: {{image}}
                  imagePullPolicy: Always
                  command: ["sh", "-c", "cat /etc/hello; trap 'exit 0' TERM; sleep 1000 & wait"]
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", "grep -q good /etc/hello"]
                    periodSeconds: 1
                - name: pinned
                  image: {{pinned}}
                  command: ["sh", "-c", "sed 's/^/pinned: /' /etc/hello; trap 'exit 0' TERM; sleep 1000 & wait"]
            """);
        pod.Start();
        string[] AppLines() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app");
        Assert.True(PodHarness.WaitFor(() => AppLines().Contains("good v1")), string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Equal(v1, PinnedDigest(image));

        var unchanged = AutoUpdate();
        Assert.Equal(0, unchanged.Code);
        JsonNode row = TagRow(unchanged.Rows, image, pinned);
        Assert.Equal("unchanged", (string?)row["result"]);
        Assert.Equal(Pod, (string?)row["pod"]);
        Assert.Equal(image, (string?)row["image"]);

        // A new image under the tag: dry-run reports it and changes nothing.
        string v2 = await PushAsync("good v2");
        int pid = pod.MainPid;
        var dry = AutoUpdate("--dry-run");
        Assert.Equal(0, dry.Code);
        row = TagRow(dry.Rows, image, pinned);
        Assert.Equal("pending", (string?)row["result"]);
        Assert.Equal(v1, (string?)row["running"]);
        Assert.Equal(v2, (string?)row["registry"]);
        Assert.Equal(pid, pod.MainPid);
        Assert.Equal(v1, PinnedDigest(image));
        Assert.DoesNotContain("good v2", AppLines());

        var updated = AutoUpdate();
        Assert.True(updated.Code == 0, updated.Output);
        row = TagRow(updated.Rows, image, pinned);
        Assert.Equal("updated", (string?)row["result"]);
        Assert.Equal(v2, (string?)row["running"]);
        Assert.Contains("good v2", AppLines());
        Assert.Equal(v2, PinnedDigest(image));
        Assert.Equal("active", pod.Systemctl("is-active", pod.Unit).Output.Trim());
        Assert.True(PodHarness.WaitFor(() => pod.Journal("MESSAGE_ID=e6c041a101814887b5b2eba06d5aed0c", $"POD_NAME={Pod}", $"IMAGE={image}", $"NEW_DIGEST={v2}")
            .Any(l => l.Contains($"updated {image} from {v1[..19]} to {v2[..19]}", StringComparison.Ordinal)), 10), "no journal entry for the update");

        // A broken image: its readiness probe never passes, so the restart times out.
        string v3 = await PushAsync("broken v3");
        var rolledBack = AutoUpdate();
        Assert.True(rolledBack.Code == 1, rolledBack.Output);
        row = TagRow(rolledBack.Rows, image, pinned);
        Assert.Equal("rolled-back", (string?)row["result"]);
        Assert.Equal(v2, (string?)row["running"]);
        Assert.Equal(v3, (string?)row["registry"]);
        Assert.Equal("active", pod.Systemctl("is-active", pod.Unit).Output.Trim());
        Assert.Equal(v2, PinnedDigest(image));
        Assert.Contains("broken v3", AppLines());
        Assert.Equal(2, AppLines().Count(l => l == "good v2"));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("MESSAGE_ID=7588610c49874c5181789845be23b141", $"POD_NAME={Pod}", $"OLD_DIGEST={v2}", $"NEW_DIGEST={v3}")
            .Any(l => l.Contains($"rolled back {image} to {v2[..19]}", StringComparison.Ordinal)), 10), "no journal entry for the rollback");
        // The digest-pinned container ran v1 through every restart.
        Assert.Equal(v1, PinnedDigest(pinned));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=pinned").Count(l => l == "pinned: good v1") == 4, 10),
            string.Join('\n', pod.Journal("-u", pod.Unit, "CONTAINER_NAME=pinned")));
        PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        PodHarness.Run("/usr/bin/podunits", "image", "rm", pinned);
    }

    /// <summary>A pod with an init container has no start timeout (TimeoutStartSec=infinity):
    /// its restart on an image that never gets ready once kept auto-update waiting for ever,
    /// and a stop of the command left the tag on that image, to run at the next start.</summary>
    [Fact]
    public async Task APodWithoutAStartTimeoutIsGivenOneAndAnInterruptedUpdateLeavesNothingUnproven()
    {
        const string name = "auto-slow";
        string image = $"{_registry.Host}/auto/slow:1";
        string v1 = await PushAsync("good v1", "auto/slow");
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/auto-update: registry
            spec:
              terminationGracePeriodSeconds: 2
              initContainers:
                - name: migrate
                  image: {{image}}
                  command: ["sh", "-c", "true"]
              containers:
                - name: app
                  image: {{image}}
                  command: ["sh", "-c", "cat /etc/hello; trap 'exit 0' TERM; sleep 1000 & wait"]
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", "grep -q good /etc/hello"]
                    periodSeconds: 1
            """);
        Assert.Equal("infinity", pod.Show("TimeoutStartUSec"));
        pod.Start();
        string[] AppLines() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app");
        string Running() => Pinned(name, image);
        string Tagged() => AutoUpdateTests.Tagged(image);
        Assert.True(PodHarness.WaitFor(() => AppLines().Contains("good v1")), pod.UnitJournalText());
        string v2 = await PushAsync("broken v2", "auto/slow");
        try
        {
            // No start timeout of its own: --ready-timeout's, then the rollback.
            var rolledBack = AutoUpdate("--ready-timeout", "4s");
            Assert.True(rolledBack.Code == 1, rolledBack.Output);
            JsonNode row = rolledBack.Rows.Single()!;
            Assert.Equal("rolled-back", (string?)row["result"]);
            Assert.Contains($"{pod.Unit} was not ready within 4 s (its start has no timeout of its own", (string?)row["error"], StringComparison.Ordinal);
            Assert.Equal("active", pod.Systemctl("is-active", pod.Unit).Output.Trim());
            Assert.Equal(v1, Running());
            Assert.Equal(v1, Tagged());
            Assert.Contains("broken v2", AppLines());

            // Stopped while the pod restarts on v2 (as systemd stops the timer's service):
            // the tag is pointed back and the pod restarted on v1.
            int before = AppLines().Count(l => l == "broken v2");
            using var update = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/podunits", ["auto-update"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            Task<string> stderr = update.StandardError.ReadToEndAsync();
            Task<string> stdout = update.StandardOutput.ReadToEndAsync();
            Assert.True(PodHarness.WaitFor(() => AppLines().Count(l => l == "broken v2") > before, 30), pod.UnitJournalText());
            Assert.Equal(v1, Tagged()); // not moved before the pod is ready on v2
            Assert.Equal(0, PodHarness.Run("kill", "-TERM", update.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
            Assert.True(update.WaitForExit(30_000), "auto-update did not end at SIGTERM");
            Assert.True(update.ExitCode == 130, await stdout + await stderr);
            Assert.Contains("interrupted", await stderr, StringComparison.Ordinal);
            Assert.Equal(v1, Tagged());
            Assert.False(File.Exists($"/run/podunits/auto-update/{name}"), "the trial outlived the update");
            Assert.True(PodHarness.WaitFor(() => pod.Systemctl("is-active", pod.Unit).Output.Trim() == "active" && Running() == v1, 30), pod.UnitJournalText());
            Assert.True(PodHarness.WaitFor(() => AppLines().Count(l => l == "good v1") == 3, 10), pod.UnitJournalText());
            Assert.True(PodHarness.WaitFor(() => pod.Journal("MESSAGE_ID=f7e5164622ef4309afb4098dde183407", $"POD_NAME={name}", $"OLD_DIGEST={v1}", $"NEW_DIGEST={v2}")
                .Any(l => l.Contains("interrupted while the pod restarted", StringComparison.Ordinal)), 10), "no journal entry for the interruption");
        }
        finally
        {
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        }
    }

    /// <summary>Trust review of 2026-12-07, finding 2: the tag moved before the restart, so an
    /// auto-update killed (or a host losing power) while the pod restarted left the unproven
    /// image tagged, and the pod's next start ran it, with no rollback to follow.</summary>
    [Fact]
    public async Task AKilledAutoUpdateLeavesTheTagOnTheImageThePodWasReadyOn()
    {
        const string name = "auto-killed";
        string image = $"{_registry.Host}/auto/killed:1";
        string v1 = await PushAsync("good v1", "auto/killed");
        using var pod = new PodHarness(name, AppPod(name, image, "grep -q good /etc/hello"));
        pod.Start();
        string[] AppLines() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app");
        Assert.True(PodHarness.WaitFor(() => AppLines().Contains("good v1")), pod.UnitJournalText());
        string v2 = await PushAsync("broken v2", "auto/killed");
        try
        {
            using var update = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/podunits", ["auto-update"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            Task<string> stderr = update.StandardError.ReadToEndAsync();
            Task<string> stdout = update.StandardOutput.ReadToEndAsync();
            Assert.True(PodHarness.WaitFor(() => AppLines().Contains("broken v2"), 30), pod.UnitJournalText());
            Assert.Equal(v2, Pinned(name, image)); // the restart runs the new image...
            Assert.Equal(v1, Tagged(image)); // ...under a tag that still names the proven one
            Assert.Equal(0, PodHarness.Run("kill", "-KILL", update.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
            Assert.True(update.WaitForExit(10_000));
            _ = await stdout + await stderr;

            // The restart it asked for goes on (until its start timeout: nobody is left to
            // roll it back); the pod's next start runs what the tag names.
            Assert.Equal(0, pod.Systemctl("restart", pod.Unit).Code);
            Assert.Equal(v1, Pinned(name, image));
            Assert.Equal(v1, Tagged(image));
            Assert.False(File.Exists($"/run/podunits/auto-update/{name}"), "a trial outlived its auto-update");
        }
        finally
        {
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        }
    }

    /// <summary>An auto-update killed after the pod was ready on v2 but before the tag moved
    /// left the pod running v2 under a tag that named v1: later runs said "unchanged" (the
    /// pod runs what the registry names) and never moved it, so the pod's next start ran v1.
    /// The state is made here as such a run leaves it: its trial, taken by the restart it
    /// asked for. The next run moves the tag and does not restart the pod.</summary>
    [Fact]
    public async Task ATagLeftBehindByAKilledAutoUpdateMovesWithoutARestart()
    {
        const string name = "auto-lagging";
        string image = $"{_registry.Host}/auto/lagging:1";
        string v1 = await PushAsync("good v1", "auto/lagging");
        using var pod = new PodHarness(name, AppPod(name, image, "grep -q good /etc/hello"));
        pod.Start();
        string[] AppLines() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app");
        Assert.True(PodHarness.WaitFor(() => AppLines().Contains("good v1")), pod.UnitJournalText());
        string v2 = await PushAsync("good v2", "auto/lagging");
        string byDigest = $"{_registry.Host}/auto/lagging@{v2}";
        try
        {
            var pull = PodHarness.Run("/usr/bin/podunits", "image", "fetch", byDigest);
            Assert.True(pull.Code == 0, pull.Output);
            Planning.Plan.AutoUpdateTrial.Write(name, [(image, v2)]);
            Assert.Equal(0, pod.Systemctl("restart", pod.Unit).Code);
            Assert.Equal(v2, Pinned(name, image));
            Assert.Equal(v1, Tagged(image));
            int pid = pod.MainPid;

            var run = AutoUpdate();
            Assert.True(run.Code == 0, run.Output);
            JsonNode row = run.Rows.Single(r => (string?)r!["pod"] == name)!;
            Assert.True((string?)row["result"] == "updated", run.Output);
            Assert.Equal(v2, (string?)row["running"]);
            Assert.Equal(v2, Tagged(image));
            Assert.Equal(pid, pod.MainPid); // not restarted: it was ready on v2 already
            Assert.True(PodHarness.WaitFor(() => pod.Journal("MESSAGE_ID=e6c041a101814887b5b2eba06d5aed0c", $"POD_NAME={name}", $"OLD_DIGEST={v1}", $"NEW_DIGEST={v2}")
                .Any(l => l.Contains($"pod {name}: runs {v2[..19]} of {image}, ready, and its tag, which still named {v1[..19]}, now names it", StringComparison.Ordinal)), 10),
                "no journal entry for the tag's move");

            Assert.Equal(0, pod.Systemctl("restart", pod.Unit).Code);
            Assert.Equal(v2, Pinned(name, image)); // its next start runs what it was ready on
        }
        finally
        {
            Planning.Plan.AutoUpdateTrial.Discard(name);
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", byDigest);
        }
    }

    /// <summary>Trust review of 2026-12-07, finding 1: pods sharing a tag were updated one by
    /// one, so one pod's success moved the tag another had just failed on (it ran that image
    /// at its next start), or a rollback moved it back under a pod just updated. Now they are
    /// one update: the first pod is restarted ready on v2, the second is not, and both run v1
    /// again under a tag that never moved. auto-first writes the tag without ":latest": the
    /// same tag all the same (own-diff review of 2026-12-07, finding 1).</summary>
    [Fact]
    public async Task PodsSharingATagAreUpdatedTogetherOrNotAtAll()
    {
        string image = $"{_registry.Host}/auto/shared:latest";
        string untagged = $"{_registry.Host}/auto/shared";
        string v1 = await PushAsync("good v1", "auto/shared", "latest");
        // auto-first is taken first (by name) and gets ready on anything; auto-pod, with the
        // class's short start timeout, only on a good image.
        using var first = new PodHarness("auto-first", AppPod("auto-first", untagged, "true"));
        using var pod = new PodHarness(Pod, AppPod(Pod, image, "grep -q good /etc/hello"));
        first.Start();
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app").Contains("good v1")), pod.UnitJournalText());
        string v2 = await PushAsync("broken v2", "auto/shared", "latest");
        try
        {
            var run = AutoUpdate();
            Assert.True(run.Code == 1, run.Output);
            JsonNode firstRow = run.Rows.Single(r => (string?)r!["pod"] == "auto-first")!;
            JsonNode podRow = run.Rows.Single(r => (string?)r!["pod"] == Pod)!;
            Assert.Equal("rolled-back", (string?)podRow["result"]);
            Assert.Equal("rolled-back", (string?)firstRow["result"]);
            Assert.StartsWith($"pod {Pod}, which runs an image of this update too, did not become ready on it: ", (string?)firstRow["error"], StringComparison.Ordinal);
            Assert.Equal(v1, (string?)firstRow["running"]);
            Assert.Equal(v2, (string?)firstRow["registry"]);
            Assert.Contains("broken v2", first.Journal("-u", first.Unit, "CONTAINER_NAME=app")); // it did run v2, ready
            Assert.Equal(v1, Tagged(image));
            Assert.Equal(v1, Pinned("auto-first", untagged));
            Assert.Equal(v1, Pinned(Pod, image));
            Assert.Equal("active", first.Systemctl("is-active", first.Unit).Output.Trim());
            Assert.Equal("active", pod.Systemctl("is-active", pod.Unit).Output.Trim());
        }
        finally
        {
            first.Systemctl("stop", first.Unit);
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        }
    }

    private static string AppPod(string name, string image, string probe) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          annotations:
            podunits.io/auto-update: registry
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              image: {{image}}
              command: ["sh", "-c", "cat /etc/hello; trap 'exit 0' TERM; sleep 1000 & wait"]
              readinessProbe:
                exec:
                  command: ["sh", "-c", "{{probe}}"]
                periodSeconds: 1
        """;

    private static string Pinned(string pod, string image) =>
        File.ReadAllLines($"/var/lib/podunits/pods/{pod}/images").Last(l => l.StartsWith(image + " ", StringComparison.Ordinal)).Split(' ')[1];

    private static string Tagged(string image) =>
        (string)JsonNode.Parse(PodHarness.Run("/usr/bin/podunits", "image", "inspect", "-o", "json", image).Output)!["manifestDigest"]!;

    [Fact]
    public void AnUnknownAutoUpdateModeIsRefusedWhereItIsWritten()
    {
        string file = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(file, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
              annotations:
                podunits.io/auto-update: image
            spec:
              containers:
                - name: app
                  image: busybox
            """);
        var result = PodHarness.Run("/usr/bin/podunits", "validate", file);
        Assert.Equal(2, result.Code);
        Assert.Contains($"{file}:6:5: error: metadata.annotations.podunits.io/auto-update: must be \"registry\"", result.Output, StringComparison.Ordinal);
    }
}
