using System.Diagnostics;
using System.Text;
using PodUnits.Core.Files;
using PodUnits.Definitions;

namespace PodUnits.UnitTests.Core;

/// <summary>BoundedFile against real special files: nothing that is not a regular file is
/// read (a FIFO without a writer would block, /dev/zero never ends), and never past the limit.</summary>
public sealed class BoundedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bounded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Fifo()
    {
        string path = $"{_dir}/pipe.yaml";
        using Process made = Process.Start("mkfifo", [path]);
        made.WaitForExit();
        Assert.Equal(0, made.ExitCode);
        return path;
    }

    [Fact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        string fifo = Fifo();
        var clock = Stopwatch.StartNew();
        Assert.Null(BoundedFile.Read(fifo, 100, out string? refusal));
        Assert.Equal("is not a regular file (a FIFO)", refusal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the open blocked");
    }

    [Fact]
    public void DevicesAndDirectoriesAreRefused()
    {
        Assert.Null(BoundedFile.Read("/dev/zero", 100, out string? refusal));
        Assert.Equal("is not a regular file (a character device)", refusal);
        Assert.Null(BoundedFile.Read(_dir, 100, out refusal));
        Assert.Equal("is a directory, not a file", refusal);
        Assert.Throws<FileNotFoundException>(() => BoundedFile.Read($"{_dir}/none", 100, out _));
    }

    [Fact]
    public void AFileUpToTheLimitIsReadAndOneByteMoreIsNot()
    {
        File.WriteAllBytes($"{_dir}/f", new byte[100]);
        Assert.Equal(100, BoundedFile.Read($"{_dir}/f", 100, out string? refusal)!.Length);
        Assert.Null(refusal);
        Assert.Null(BoundedFile.Read($"{_dir}/f", 99, out refusal));
        Assert.Equal("is larger than 99 bytes", refusal);
    }

    [Fact]
    public void TextIsDecodedAsReadAllTextDecodesIt()
    {
        File.WriteAllText($"{_dir}/u16", "kind: Pod\n", Encoding.Unicode); // with its byte order mark
        Assert.Equal("kind: Pod\n", BoundedFile.ReadText($"{_dir}/u16", 100, out _));
        File.WriteAllText($"{_dir}/u8", "é\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("é\n", BoundedFile.ReadText($"{_dir}/u8", 100, out _));
    }

    [Fact]
    public void APodDefinitionThatIsAFifoIsOneClearError()
    {
        LoadResult result = PodDefinitionLoader.LoadFile(Fifo());
        Assert.False(result.IsValid);
        Assert.Equal($"{_dir}/pipe.yaml:1:1: error: is not a regular file (a FIFO)", result.Diagnostics.Single().ToString());
    }
}
