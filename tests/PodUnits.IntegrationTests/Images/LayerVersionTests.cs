using System.Formats.Tar;
using PodUnits.IntegrationTests.Runtime;
using PodUnits.Tests.Images;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// Upgrade review of 2026-12-07, finding 2: a layer an older unpacker stored (before binary
/// xattrs such as security.capability were kept) was taken as unpacked for ever, so the fix
/// never reached a host that had pulled the image before. Layers now live under their
/// unpacker version (layers/vN); one only an older version made is unpacked again at
/// the next start, and gc removes the old copy once no pod's pin names it.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class LayerVersionTests : IDisposable
{
    private const string Image = "localhost/it-layer-version:1";
    private const string Store = "/var/lib/podunits";
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-layerver-").FullName;
    private readonly List<string> _diffIds = [];

    public LayerVersionTests()
    {
        string rootfs = _dir + "/rootfs";
        Directory.CreateDirectory(rootfs + "/bin");
        File.Copy("/bin/busybox", rootfs + "/bin/busybox");
        foreach (string applet in new[] { "sh", "cat", "sleep" }) File.CreateSymbolicLink($"{rootfs}/bin/{applet}", "busybox");
        byte[] top = TopLayer();
        byte[][] layers = [RegistryFixture.TarOf(rootfs), top];
        _diffIds.AddRange(layers.Select(OciLayoutBuilder.Hex));
        OciLayoutBuilder.Write(_dir + "/layout", layers, layers, "application/vnd.oci.image.layer.v1.tar", "1", ["sh"]);
        var imported = PodHarness.Run("podunits", "image", "import", _dir + "/layout", "--name", Image);
        Assert.True(imported.Code == 0, imported.Output);
    }

    public void Dispose()
    {
        PodHarness.Run("podunits", "image", "rm", Image);
        foreach (string hex in _diffIds)
        {
            if (Directory.Exists($"{Store}/layers/sha256/{hex}")) Directory.Delete($"{Store}/layers/sha256/{hex}", recursive: true);
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] TopLayer()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0x1ed });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/made-by")
            {
                Mode = (UnixFileMode)0x1a4,
                DataStream = new MemoryStream("the current unpacker\n"u8.ToArray()),
            });
        }
        return tar.ToArray();
    }

    [Fact]
    public void ALayerAnOlderUnpackerStoredIsUnpackedAgainAndGcTakesTheOldCopyOnceNoPodNeedsIt()
    {
        // What an upgrade finds: the image's layers only under version 1's directory, as an
        // older unpacker left them (here its top layer says so instead of losing an xattr).
        string[] current = [.. _diffIds.Select(hex => Directory.GetDirectories(Store + "/layers", hex, SearchOption.AllDirectories).Single())];
        Directory.CreateDirectory(Store + "/layers/sha256");
        string[] legacy = [.. _diffIds.Select(hex => $"{Store}/layers/sha256/{hex}")];
        for (int i = 0; i < current.Length; i++) Directory.Move(current[i], legacy[i]);
        File.WriteAllText(legacy[1] + "/etc/made-by", "an older unpacker\n");

        string yaml = PodHarness.BusyboxPod("it-layer-version", "cat /etc/made-by; sleep 1867")
            .Replace("image: busybox", "image: " + Image, StringComparison.Ordinal);
        using var pod = new PodHarness("it-layer-version", yaml);
        pod.Start();
        // The container's line only: the executor's own ("Unpacked sha256:...") carry the
        // pod's one CONTAINER_NAME too (LogExtraFields=).
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Any(l => l.Contains("unpacker", StringComparison.Ordinal))), pod.UnitJournalText());
        Assert.Equal("the current unpacker", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").First(l => l.Contains("unpacker", StringComparison.Ordinal)).Trim());
        Assert.Matches(" u[0-9]+$", File.ReadAllText($"{Store}/pods/it-layer-version/images").Trim());
        Assert.All(current, dir => Assert.True(Directory.Exists(dir), dir));

        // The running pod mounts the new copies and pins their version: the old ones go.
        var gc = PodHarness.Run("podunits", "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.All(legacy, dir => Assert.False(Directory.Exists(dir), dir));
        Assert.All(current, dir => Assert.True(Directory.Exists(dir), dir));
        Assert.Equal("active", pod.Show("ActiveState"));
    }
}
