using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniCache: what ADD ran with, written so DEL can run the same way later.</summary>
public sealed class CniCacheTests
{
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const string ConfigText = """
        {
          "name": "lab",
          "cniVersion": "1.0.0",
          "plugins": [{"type": "bridge", "bridge": "lab0"}, {"type": "portmap", "capabilities": {"portMappings": true}}]
        }
        """;

    private static readonly CniAttachment Attachment = new("00112233445566778899aabbccddeeff", "/run/podunits/netns/web", "eth0",
    [
        new("K8S_POD_NAMESPACE", "default"),
        new("K8S_POD_NAME", "web"),
    ]);

    private static Dictionary<string, JsonNode> Capabilities() => new(StringComparer.Ordinal)
    {
        ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = 8080, ["containerPort"] = 80, ["protocol"] = "tcp" }),
    };

    private static CniResult Result() => new((JsonObject)JsonNode.Parse("""
        {"cniVersion": "1.0.0", "interfaces": [{"name": "eth0", "sandbox": "/run/podunits/netns/web"}],
         "ips": [{"address": "10.121.0.5/16", "interface": 0}]}
        """)!);

    [Fact]
    public void WriteThenReadAllGivesBackWhatAddRanWith()
    {
        using var dir = new TempDir();
        var cache = new CniCache(System.IO.Path.Join(dir.Path, "cni", "results"));
        CniConfigList network = CniConfigList.Parse("/etc/podunits/net.d/lab.conflist", ConfigText);
        cache.Write("web", network, Attachment, Capabilities(), Result());

        string path = cache.PathOf("lab", Attachment);
        Assert.Equal($"{cache.Dir}/lab-00112233445566778899aabbccddeeff-eth0", path);
        Assert.Equal([path], Directory.GetFiles(cache.Dir));

        var broken = new List<string>();
        CniCacheEntry entry = Assert.Single(cache.ReadAll(broken));
        Assert.Empty(broken);
        Assert.Equal(path, entry.Path);
        Assert.Equal("web", entry.Pod);
        Assert.Equal("lab", entry.Network.Name);
        Assert.Equal("/etc/podunits/net.d/lab.conflist", entry.Network.Path);
        Assert.Equal(ConfigText, entry.Network.Text);
        Assert.Equal(["bridge", "portmap"], entry.Network.PluginTypes);
        Assert.Equal(Attachment.ContainerId, entry.Attachment.ContainerId);
        Assert.Equal("eth0", entry.Attachment.IfName);
        Assert.Equal("", entry.Attachment.NetnsPath); // the caller says where the namespace is now
        Assert.Equal(Attachment.Args, entry.Attachment.Args);
        Assert.Equal(["portMappings"], entry.CapabilityArgs.Keys);
        Assert.Equal(Capabilities()["portMappings"].ToJsonString(), entry.CapabilityArgs["portMappings"].ToJsonString());
        Assert.NotNull(entry.Result);
        Assert.Equal(["10.121.0.5"], entry.Result.PodIPs);
        Assert.Equal(Result().Json.ToJsonString(), entry.Result.Json.ToJsonString());
    }

    [Fact]
    public void TheCacheIsRootsOnly()
    {
        using var dir = new TempDir();
        var cache = new CniCache(System.IO.Path.Join(dir.Path, "results"));
        cache.Write("web", CniConfigList.Parse("lab.conflist", ConfigText), Attachment, Capabilities(), null);
        Assert.Equal(Mode0700, File.GetUnixFileMode(cache.Dir));
        Assert.Equal(Mode0600, File.GetUnixFileMode(cache.PathOf("lab", Attachment)));
    }

    [Fact]
    public void AnExistingWideDirectoryIsMadePrivate()
    {
        using var dir = new TempDir();
        string results = dir.Dir("results");
        File.SetUnixFileMode(results, Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        new CniCache(results).Write("web", CniConfigList.Parse("lab.conflist", ConfigText), Attachment, Capabilities(), null);
        Assert.Equal(Mode0700, File.GetUnixFileMode(results));
    }

    [Fact]
    public void AnEntryWrittenBeforeAddHasNoResultAndIsReplacedAfter()
    {
        using var dir = new TempDir();
        var cache = new CniCache(dir.Path);
        CniConfigList network = CniConfigList.Parse("lab.conflist", ConfigText);
        cache.Write("web", network, Attachment, Capabilities(), result: null);
        Assert.Null(Assert.Single(cache.ReadAll()).Result);

        cache.Write("web", network, Attachment, Capabilities(), Result());
        CniCacheEntry entry = Assert.Single(cache.ReadAll());
        Assert.Equal(["10.121.0.5"], entry.Result!.PodIPs);
        Assert.Equal([cache.PathOf("lab", Attachment)], Directory.GetFiles(dir.Path)); // no .tmp left
        Assert.Equal(Mode0600, File.GetUnixFileMode(entry.Path));
    }

    [Fact]
    public void EntriesAreReadInFileNameOrderAndDeleteRemovesOne()
    {
        using var dir = new TempDir();
        var cache = new CniCache(dir.Path);
        CniConfigList network = CniConfigList.Parse("lab.conflist", ConfigText);
        CniAttachment other = Attachment with { ContainerId = "ffeeddccbbaa99887766554433221100" };
        cache.Write("db", network, other, Capabilities(), null);
        cache.Write("web", network, Attachment, new Dictionary<string, JsonNode>(StringComparer.Ordinal), null);
        Assert.Equal(["web", "db"], cache.ReadAll().Select(e => e.Pod));
        Assert.Empty(cache.ReadAll()[0].CapabilityArgs);

        cache.Delete("lab", Attachment);
        Assert.Equal(["db"], cache.ReadAll().Select(e => e.Pod));
    }

    [Fact]
    public void DamagedEntriesAreReportedNotThrown()
    {
        using var dir = new TempDir();
        var cache = new CniCache(dir.Path);
        cache.Write("web", CniConfigList.Parse("lab.conflist", ConfigText), Attachment, Capabilities(), Result());
        string notJson = dir.Write("a-not-json", "{\"kind\": \"cniCacheV1\", ");
        string otherKind = dir.Write("b-other-kind", """{"kind": "cniCacheV2", "containerId": "x", "ifName": "eth0"}""");
        string badBase64 = dir.Write("c-bad-config", """{"kind": "cniCacheV1", "containerId": "x", "ifName": "eth0", "config": "%%%"}""");
        string badConfig = dir.Write("d-invalid-config",
            $$"""{"kind": "cniCacheV1", "containerId": "x", "ifName": "eth0", "config": "{{Convert.ToBase64String("{\"name\": \"lab\"}"u8.ToArray())}}"}""");
        string noContainer = dir.Write("e-no-container",
            $$"""{"kind": "cniCacheV1", "ifName": "eth0", "config": "{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ConfigText))}}"}""");
        string empty = dir.Write("f-empty", "");
        dir.Write("g-partial.tmp", "{"); // a write in progress: neither an entry nor broken

        var broken = new List<string>();
        CniCacheEntry entry = Assert.Single(cache.ReadAll(broken));
        Assert.Equal("web", entry.Pod);
        Assert.Equal([notJson, otherKind, badBase64, badConfig, noContainer, empty], broken);
        Assert.Single(cache.ReadAll()); // no list: skipped silently
    }

    [Fact]
    public void TryReadOfAMissingFileIsNull()
    {
        using var dir = new TempDir();
        Assert.Null(CniCacheEntry.TryRead(System.IO.Path.Join(dir.Path, "none")));
    }

    [Fact]
    public void AMissingCacheDirectoryHasNoEntries()
    {
        using var dir = new TempDir();
        var broken = new List<string>();
        Assert.Empty(new CniCache(System.IO.Path.Join(dir.Path, "never-written")).ReadAll(broken));
        Assert.Empty(broken);
    }

    [Fact]
    public void AnEntryWithoutPodNameReadsAsEmptyPod()
    {
        // Entries written by libcni itself (no "pod") are read, and belong to no pod.
        using var dir = new TempDir();
        string config = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ConfigText));
        string path = dir.Write("lab-x-eth0", $$"""{"kind": "cniCacheV1", "containerId": "x", "ifName": "eth0", "config": "{{config}}", "networkName": "lab"}""");
        CniCacheEntry entry = CniCacheEntry.TryRead(path)!;
        Assert.Equal("", entry.Pod);
        Assert.Equal(path, entry.Network.Path); // no configPath: the entry's own path names it
        Assert.Empty(entry.Attachment.Args);
        Assert.Empty(entry.CapabilityArgs);
        Assert.Null(entry.Result);
    }
}
