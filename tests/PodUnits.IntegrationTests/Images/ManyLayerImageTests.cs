using System.Formats.Tar;
using PodUnits.IntegrationTests.Runtime;
using PodUnits.Tests.Images;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// An image of 120 layers runs, with and without a user namespace. Its layer directories'
/// paths take about 12 KiB, three times what mount(2)'s overlayfs option string holds: before
/// each layer became an fsconfig(2) lowerdir+ of its own, an image of more than about 38
/// layers did not start. Images of 50 to 120 layers are common (each RUN of a Dockerfile makes
/// one; Docker allows 125).
/// </summary>
public sealed class ManyLayerImageTests : IDisposable
{
    private const string Image = "localhost/it-many-layers:1";
    private const int Layers = 120;
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-layers-").FullName;

    public ManyLayerImageTests()
    {
        string rootfs = _dir + "/rootfs";
        Directory.CreateDirectory(rootfs + "/bin");
        File.Copy("/bin/busybox", rootfs + "/bin/busybox");
        foreach (string applet in new[] { "sh", "ls", "cat", "wc", "sleep" }) File.CreateSymbolicLink($"{rootfs}/bin/{applet}", "busybox");
        var layers = new List<byte[]> { RegistryFixture.TarOf(rootfs) };
        // Each layer adds a file; the top one also replaces the bottom one's, so the order of
        // the stack shows too.
        for (int i = 1; i < Layers; i++)
        {
            layers.Add(Layer(("layers/" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), $"{i}\n"),
                i == Layers - 1 ? ("layers/001", "replaced by the top layer\n") : null));
        }
        OciLayoutBuilder.Write(_dir + "/layout", layers, layers, "application/vnd.oci.image.layer.v1.tar", "1", ["sh"]);
        var imported = PodHarness.Run("podunits", "image", "import", _dir + "/layout", "--name", Image);
        Assert.True(imported.Code == 0, imported.Output);
    }

    public void Dispose()
    {
        PodHarness.Run("podunits", "image", "rm", Image);
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Layer((string Path, string Text) file, (string Path, string Text)? other)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "layers/") { Mode = (UnixFileMode)0x1ed });
            foreach (var (path, text) in other is { } o ? [file, o] : new[] { file })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = (UnixFileMode)0x1a4,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
                });
            }
        }
        return tar.ToArray();
    }

    private const string Show = "ls /layers | wc -l; cat /layers/001 /layers/119";

    [Fact]
    public void AnImageOfMoreLayersThanMountOptionsHoldRuns()
    {
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-many-layers", Image, "--", "sh", "-c", Show);
        Assert.True(run.Code == 0, run.Output);
        Assert.Equal([$"{Layers - 1}", "replaced by the top layer", "119"], run.Output.Trim().Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public void ItRunsInAPodWithItsOwnUserNamespaceToo()
    {
        // Idmapped copies of each layer under the container's staging directory, then the
        // same overlay.
        string yaml = PodHarness.BusyboxPod("it-many-layers-userns", Show + "; echo done; sleep 1000", extraSpecYaml: "  hostUsers: false")
            .Replace("image: busybox", "image: " + Image, StringComparison.Ordinal);
        using var pod = new PodHarness("it-many-layers-userns", yaml);
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("done")), pod.UnitJournalText());
        // The command's three lines, just before its "done" (the executor's own lines are in
        // the unit's journal too).
        string[] lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main");
        int done = Array.IndexOf(lines, "done");
        Assert.Equal([$"{Layers - 1}", "replaced by the top layer", "119"], lines[(done - 3)..done].Select(l => l.Trim()));
    }
}
