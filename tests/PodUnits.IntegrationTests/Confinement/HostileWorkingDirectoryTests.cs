using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// The working directory is entered while container-start is still host root with every
/// capability (runc's CVE-2024-21626 class). In a pod sharing its PID namespace, /proc/1 is
/// the pod init, whose root is the host's: a workingDir through /proc/1/root, named outright
/// or reached through a symlink a container left in a volume, must never start the command
/// in the host's /. The command only looks (test -d); it writes nothing, so a failure of the
/// protection is harmless.
/// </summary>
public sealed class HostileWorkingDirectoryTests
{
    private const string Look = "if test -d ./var/lib/podunits; then echo ESCAPED; else echo contained; fi; echo done";

    [Theory]
    [InlineData("hostile-cwd-proc", "/proc/1/root")]
    [InlineData("hostile-cwd-link", "/shared/host")]
    public void AWorkingDirectoryThroughTheProcOfThePodInitNeverLeadsToTheHost(string name, string workingDir)
    {
        using var pod = new PodHarness(name, HostilePods.Pod(name, $$"""
              shareProcessNamespace: true
              hostNetwork: true
              volumes: [{name: shared, emptyDir: {} }]
              initContainers:
                - name: plant
                  image: busybox
                  command: ["ln", "-s", "/proc/1/root", "/shared/host"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
                - name: main
                  image: busybox
                  workingDir: {{workingDir}}
                  command: ["sh", "-c", "{{Look}}"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
            """));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);

        Assert.DoesNotContain("ESCAPED", lines);
        // Refused before the command ran, saying why, and the pod failed.
        Assert.DoesNotContain("contained", lines);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", 20), why);
        Assert.True(pod.UnitJournalHas(l => l.Contains($"working directory {workingDir}", StringComparison.Ordinal)), why);
    }

    /// <summary>The same rule keeps an ordinary working directory working: one the image lacks
    /// is made (as runc makes it), one reached through a symlink inside the root is followed.</summary>
    [Fact]
    public void AMissingWorkingDirectoryIsMadeAndASymlinkInsideTheRootIsFollowed()
    {
        const string name = "hostile-cwd-ok";
        using var pod = new PodHarness(name, HostilePods.Pod(name, """
              hostNetwork: true
              volumes: [{name: shared, emptyDir: {}}]
              initContainers:
                - name: plant
                  image: busybox
                  command: ["sh", "-c", "mkdir -p /shared/real/deep /shared/dir && ln -s ../real /shared/dir/link"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
                - name: main
                  image: busybox
                  workingDir: /shared/dir/link/deep/made/here
                  command: ["sh", "-c", "echo cwd=$(pwd -P); echo done"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
                - name: fresh
                  image: busybox
                  workingDir: /srv/new/app
                  command: ["sh", "-c", "echo cwd=$(pwd -P); echo done"]
            """));
        string[] lines = HostilePods.RunUntil(pod, "done");
        Assert.True(lines.Contains("cwd=/shared/real/deep/made/here"), HostilePods.Explain(pod, lines));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=fresh").Contains("cwd=/srv/new/app"), 20),
            HostilePods.UnitLog(pod));
    }

    /// <summary>A working directory the image lacks is made before the root becomes read-only,
    /// as runc makes it, so readOnlyRootFilesystem does not fail the start with EROFS; the root
    /// stays read-only (confinement review of 2026-12-07, finding 4).</summary>
    [Fact]
    public void AMissingWorkingDirectoryIsMadeUnderAReadOnlyRoot()
    {
        const string name = "hostile-cwd-ro";
        using var pod = new PodHarness(name, HostilePods.Pod(name, """
              hostNetwork: true
              containers:
                - name: main
                  image: busybox
                  workingDir: /nonexistent/app
                  command: ["sh", "-c", "echo cwd=$(pwd); touch /x 2>/dev/null && echo root-writable || echo root-read-only; echo done"]
                  securityContext:
                    readOnlyRootFilesystem: true
            """));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        Assert.True(lines.Contains("cwd=/nonexistent/app"), why);
        Assert.True(lines.Contains("root-read-only"), why);
    }
}
