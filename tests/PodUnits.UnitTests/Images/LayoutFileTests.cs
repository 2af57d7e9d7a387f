using System.Diagnostics;
using PodUnits.Core.Errors;
using PodUnits.Images.Import;
using PodUnits.UnitTests.Network;

namespace PodUnits.UnitTests.Images;

/// <summary>Images review of 2026-12-07, finding 4: a file of a layout directory is opened once
/// and judged by what was opened, so one swapped after its path was checked can be no FIFO
/// to hang on (the store lock held) and no link out of the directory.</summary>
public sealed class LayoutFileTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ARegularFileInsideIsOpened()
    {
        Directory.CreateDirectory($"{Dir}/blobs/sha256");
        File.WriteAllText($"{Dir}/blobs/sha256/abc", "content");
        File.CreateSymbolicLink($"{Dir}/index.json", "blobs/sha256/abc"); // a link that stays inside
        using (FileStream file = ImageImporter.OpenInside(Dir, "blobs/sha256/abc", "layout"))
        {
            Assert.Equal(7, file.Length);
        }
        using FileStream linked = ImageImporter.OpenInside(Dir, "index.json", "layout");
        Assert.Equal(7, linked.Length);
    }

    [Fact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        using (Process mkfifo = Process.Start("mkfifo", $"{Dir}/index.json"))
        {
            mkfifo.WaitForExit();
        }
        var e = Assert.Throws<BadInputException>(() => ImageImporter.OpenInside(Dir, "index.json", "layout"));
        Assert.Equal("import layout: 'index.json' is not a regular file", e.Message);
    }

    [Fact]
    public void ALinkOutOfTheDirectoryIsRefused()
    {
        string outside = Path.Join(Dir, "..", $"{Path.GetFileName(Dir)}-outside");
        File.WriteAllText(outside, "root's only");
        try
        {
            File.CreateSymbolicLink($"{Dir}/index.json", outside);
            var e = Assert.Throws<BadInputException>(() => ImageImporter.OpenInside(Dir, "index.json", "layout"));
            Assert.Equal("import layout: 'index.json' is missing or outside the image", e.Message);
        }
        finally
        {
            File.Delete(outside);
        }
    }
}
