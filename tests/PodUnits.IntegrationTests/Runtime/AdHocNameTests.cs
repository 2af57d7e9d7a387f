namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Review of 2026-12-05: an ad-hoc pod refused only the names of definitions in the search
/// path, and removes its state directory when it ends; named after a pod run from a file, it
/// took that pod's directory (its containers' last statuses, and its journal on hosts without
/// /var/log/journal) and removed it.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class AdHocNameTests : IDisposable
{
    private const string Podunits = "/usr/bin/podunits";
    private const string Name = "adhoc-taken";
    private readonly string _file = Path.Join(Directory.CreateTempSubdirectory("podunits-adhoc-name-").FullName, "pod.yaml");

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        PodHarness.Run(Podunits, "gc");
        if (Directory.Exists($"/var/lib/podunits/pods/{Name}"))
        {
            Directory.Delete($"/var/lib/podunits/pods/{Name}", recursive: true);
        }
    }

    [Fact]
    public void AnAdHocPodCannotTakeTheStateOfAPodRunFromAFile()
    {
        File.WriteAllText(_file, PodHarness.BusyboxPod(Name, "echo from-the-file"));
        var run = PodHarness.Run(Podunits, "run", _file);
        Assert.True(run.Code == 0, run.Output);
        string state = $"/var/lib/podunits/pods/{Name}";
        Assert.True(Directory.Exists(state));

        var adHoc = PodHarness.Run(Podunits, "run", "-i", "--name", Name, "busybox", "--", "true");
        Assert.Equal(2, adHoc.Code);
        Assert.Equal($"podunits: --name: {Name} is the name of a pod run from a definition, whose state is in {state}; an ad-hoc pod needs a name of its own",
            adHoc.Output.Trim());
        Assert.True(Directory.Exists(state));
        Assert.False(Directory.Exists($"/run/podunits/state/{Name}"));

        // Ad-hoc pods of one name follow each other as before.
        const string again = "adhoc-again";
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "--keep", "busybox", "--", "true").Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "rm", again).Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "busybox", "--", "true").Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "busybox", "--", "true").Code);
    }
}
