using PodUnits.Core.Errors;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>NetworkConfigs: which .conflist files are in effect and which one defines a network.</summary>
public sealed class NetworkConfigsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _etc, _run, _usr;

    public NetworkConfigsTests()
    {
        _etc = _dir.Dir("etc");
        _run = _dir.Dir("run");
        _usr = _dir.Dir("usr");
    }

    public void Dispose() => _dir.Dispose();

    private string[] Dirs => [_etc, _run, _usr];

    private static string Conflist(string name, string plugin = "bridge") =>
        $$"""{"name": "{{name}}", "cniVersion": "1.0.0", "plugins": [{"type": "{{plugin}}"}]}""";

    private string Put(string dir, string file, string text)
    {
        string path = System.IO.Path.Join(dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        Assert.Equal("podunits", NetworkConfigs.DefaultNetwork);
        Assert.Equal(["/etc/podunits/net.d", "/run/podunits/net.d", "/usr/lib/podunits/net.d"], NetworkConfigs.DefaultDirs);
    }

    [Fact]
    public void FilesAreInDirectoryOrderThenNameOrderAndAnEarlierFileMasksALaterOne()
    {
        string etcB = Put(_etc, "b.conflist", Conflist("b"));
        string etcA = Put(_etc, "a.conflist", Conflist("a"));
        Put(_etc, "notes.txt", "not a configuration");
        Put(_etc, "c.conf", Conflist("c")); // single-plugin .conf files are not read
        Put(_run, "a.conflist", Conflist("masked"));
        string runZ = Put(_run, "Z.conflist", Conflist("z"));
        Put(_usr, "b.conflist", Conflist("masked"));
        string usrPodunits = Put(_usr, "podunits.conflist", Conflist("podunits"));
        Directory.CreateDirectory(System.IO.Path.Join(_usr, "dir.conflist"));

        string missing = System.IO.Path.Join(_dir.Path, "missing");
        Assert.Equal([etcA, etcB, runZ, usrPodunits], NetworkConfigs.Files([missing, .. Dirs]));
    }

    [Fact]
    public void NoDirectoriesNoFiles()
    {
        Assert.Empty(NetworkConfigs.Files([]));
        Assert.Empty(NetworkConfigs.Files([System.IO.Path.Join(_dir.Path, "missing")]));
    }

    [Fact]
    public void ANetworkIsFoundByTheNameInsideTheFile()
    {
        Put(_etc, "10-other.conflist", Conflist("other"));
        string lab = Put(_run, "99-anything.conflist", Conflist("lab"));
        CniConfigList found = NetworkConfigs.Find("lab", Dirs);
        Assert.Equal(lab, found.Path);
        Assert.Equal("lab", found.Name);
        Assert.Equal(Conflist("lab"), found.Text);
    }

    [Fact]
    public void TheFirstDirectoryWins()
    {
        Put(_usr, "podunits.conflist", Conflist("podunits", "bridge"));
        string mine = Put(_etc, "my-default.conflist", Conflist("podunits", "macvlan"));
        CniConfigList found = NetworkConfigs.Find("podunits", Dirs);
        Assert.Equal(mine, found.Path);
        Assert.Equal(["macvlan"], found.PluginTypes);
    }

    [Fact]
    public void WithinADirectoryTheFirstFileNameWins()
    {
        Put(_run, "20-lab.conflist", Conflist("lab", "macvlan"));
        string first = Put(_run, "10-lab.conflist", Conflist("lab", "bridge"));
        Assert.Equal(first, NetworkConfigs.Find("lab", Dirs).Path);
    }

    [Fact]
    public void AMaskedFileIsNotConsulted()
    {
        Put(_etc, "podunits.conflist", Conflist("renamed"));
        Put(_usr, "podunits.conflist", Conflist("podunits"));
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("podunits", Dirs));
        Assert.Equal($"network podunits: no network configuration of that name (a .conflist with \"name\": \"podunits\") in {_etc}, {_run}, {_usr}",
            e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Equal("renamed", NetworkConfigs.Find("renamed", Dirs).Name);
    }

    [Fact]
    public void ASinglePluginConfFileIsNamedAsNotReadWhenNothingMatches()
    {
        string conf = Put(_etc, "lab.conf", """{"name": "lab", "cniVersion": "1.0.0", "type": "bridge"}""");
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("lab", Dirs));
        Assert.EndsWith($"; skipped {conf}: a single-plugin .conf, which PodUnits does not read (make it a .conflist whose \"plugins\" holds it)",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidFileNamedAfterTheNetworkIsTheError()
    {
        string path = Put(_etc, "lab.conflist", """{"name": "lab", "cniVersion": "0.1.0", "plugins": [{"type": "bridge"}]}""");
        Put(_usr, "other-lab.conflist", Conflist("lab"));
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("lab", Dirs));
        Assert.Equal($"{path}: cniVersion \"0.1.0\" is not supported (PodUnits speaks 0.3.0, 0.3.1, 0.4.0, 1.0.0)", e.Message);
    }

    [Fact]
    public void AnInvalidFileNamedAfterTheNetworkKeepsItsJsonPosition()
    {
        string path = Put(_run, "lab.conflist", "{\n  \"name\": \"lab\",\n  \"plugins\": [}\n");
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("lab", Dirs));
        Assert.StartsWith($"{path}:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherInvalidFilesAreSkippedAndNamedWhenNothingIsFound()
    {
        string broken = Put(_etc, "broken.conflist", "{\"name\": ");
        string badName = Put(_run, "bad-name.conflist", Conflist("bad name"));
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("lab", Dirs));
        Assert.StartsWith($"network lab: no network configuration of that name (a .conflist with \"name\": \"lab\") in {_etc}, {_run}, {_usr}; skipped {broken}:1:",
            e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"; {badName}: name \"bad name\" is not a valid network name: may contain only letters, digits, '_', '.' and '-'",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherInvalidFilesDoNotHideAValidNetwork()
    {
        Put(_etc, "broken.conflist", "not json");
        string lab = Put(_usr, "lab.conflist", Conflist("lab"));
        Assert.Equal(lab, NetworkConfigs.Find("lab", Dirs).Path);
    }

    [Fact]
    public void AnUnreadableFileNamedAfterTheNetworkIsTheError()
    {
        // A dangling symbolic link: listed, but it cannot be read.
        string path = System.IO.Path.Join(_etc, "lab.conflist");
        File.CreateSymbolicLink(path, System.IO.Path.Join(_dir.Path, "nowhere"));
        Put(_usr, "lab2.conflist", Conflist("lab"));
        BadInputException e = Assert.Throws<BadInputException>(() => NetworkConfigs.Find("lab", Dirs));
        Assert.StartsWith($"{path}: cannot read the network configuration: ", e.Message, StringComparison.Ordinal);
    }
}
