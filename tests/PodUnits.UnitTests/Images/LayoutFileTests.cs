using System.Diagnostics;
using PodUnits.Core.Errors;
using PodUnits.Images.Import;

namespace PodUnits.UnitTests.Images;

/// <summary>Images review of 2026-12-07, finding 4: a file of a layout directory is opened once
/// and judged by what was opened, so one swapped after its path was checked can be no FIFO
/// to hang on (the store lock held) and no link out of the directory.</summary>
public sealed class LayoutFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ARegularFileInsideIsOpened()
    {
        Directory.CreateDirectory($"{_dir}/blobs/sha256");
        File.WriteAllText($"{_dir}/blobs/sha256/abc", "content");
        File.CreateSymbolicLink($"{_dir}/index.json", "blobs/sha256/abc"); // a link that stays inside
        using (FileStream file = ImageImporter.OpenInside(_dir, "blobs/sha256/abc", "layout"))
        {
            Assert.Equal(7, file.Length);
        }
        using FileStream linked = ImageImporter.OpenInside(_dir, "index.json", "layout");
        Assert.Equal(7, linked.Length);
    }

    [Fact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        using (Process mkfifo = Process.Start("mkfifo", $"{_dir}/index.json"))
        {
            mkfifo.WaitForExit();
        }
        var e = Assert.Throws<BadInputException>(() => ImageImporter.OpenInside(_dir, "index.json", "layout"));
        Assert.Equal("import layout: 'index.json' is not a regular file", e.Message);
    }

    [Fact]
    public void ALinkOutOfTheDirectoryIsRefused()
    {
        string outside = Path.Join(_dir, "..", $"{Path.GetFileName(_dir)}-outside");
        File.WriteAllText(outside, "root's only");
        try
        {
            File.CreateSymbolicLink($"{_dir}/index.json", outside);
            var e = Assert.Throws<BadInputException>(() => ImageImporter.OpenInside(_dir, "index.json", "layout"));
            Assert.Equal("import layout: 'index.json' is missing or outside the image", e.Message);
        }
        finally
        {
            File.Delete(outside);
        }
    }
}
