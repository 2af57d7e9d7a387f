namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Volumes review of 2026-12-07, finding 2: a file name that is not UTF-8, written by a
/// container in its writable layer (/tmp) and in a disk emptyDir, made every later start fail
/// with "internal error: Directory not empty" (.NET's Directory.Delete cannot name it again),
/// and a container's restart went on on a half-removed layer. The first run writes such names
/// and exits; the restarted container must find /tmp fresh and the emptyDir kept; a new start
/// of the unit must clear both and run.
/// </summary>
public sealed class NonUtf8NameTests
{
    [Fact]
    public void NamesThatAreNotUtf8KeepNoStartOrRestartFromWorking()
    {
        const string Script = """
            if [ -e "$(printf '/scratch/\376')" ]; then
              [ -e "$(printf '/tmp/\377')" ] && echo layer-kept || echo layer-fresh
              trap 'exit 0' TERM; sleep 1000 & wait
            else
              touch "$(printf '/tmp/\377')"; mkdir "$(printf '/tmp/d\376')"; touch "$(printf '/tmp/d\376/\375')"
              mkdir "$(printf '/scratch/\376')"; touch "$(printf '/scratch/\376/\375')"
              echo first-run; exit 1
            fi
            """;
        using var pod = new PodHarness("rt-bytes", PodHarness.BusyboxPod("rt-bytes", Script,
            extraContainerYaml: "      volumeMounts:\n        - {name: scratch, mountPath: /scratch}",
            extraSpecYaml: "  volumes:\n    - {name: scratch, emptyDir: {}}", restartPolicy: "Always"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + pod.UnitJournalText());
        Assert.True(pod.UnitJournalHas(l => l.EndsWith("layer-fresh", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("cannot renew its writable layer", StringComparison.Ordinal) || l.EndsWith("layer-kept", StringComparison.Ordinal));

        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + pod.UnitJournalText());
        // The emptyDir was cleared at the start: the container's first run again, then its restart.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Count(l => l.EndsWith("layer-fresh", StringComparison.Ordinal)) == 2, 30), pod.UnitJournalText());
        Assert.Equal("active", pod.Show("ActiveState"));
        Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("internal error", StringComparison.Ordinal));
        Assert.Equal(2, pod.Journal("-u", pod.Unit).Count(l => l.EndsWith("first-run", StringComparison.Ordinal)));
    }
}
