using PodUnits.Cli;
using PodUnits.Cli.Commands;
using PodUnits.Core.Errors;
using Tmds.Linux;

namespace PodUnits.UnitTests.Cli;

/// <summary>CLI review of 2026-12-07, finding 4: `image export REF - | head -c 4096` read and
/// hashed every blob for a reader that had gone (.NET's console stream takes EPIPE for
/// success), then exited 0 for an archive never delivered. Over a real pipe.</summary>
public sealed class ExportOutputTests
{
    [Fact]
    public void AWriteToAGoneReaderFailsTheExport()
    {
        (int read, int write) = Pipe();
        _ = LibC.close(read);
        try
        {
            using var stdout = new PlainConsole.DescriptorStream(write) { IncompleteWithoutReader = ImageCommand.ExportReaderGone };
            var e = Assert.Throws<PodUnitsException>(() => stdout.Write(new byte[512]));
            Assert.Equal("image export: standard output: its reader went away before the archive was complete", e.Message);
            Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
            Assert.Throws<PodUnitsException>(() => stdout.Write(new byte[512])); // the tar's end, written on disposal, too
        }
        finally
        {
            _ = LibC.close(write);
        }
    }

    [Fact]
    public void OutputOfAnotherCommandIsDroppedAsBefore()
    {
        (int read, int write) = Pipe();
        _ = LibC.close(read);
        try
        {
            using var stdout = new PlainConsole.DescriptorStream(write);
            stdout.Write(new byte[512]);
            Assert.True(stdout.ReaderGone);
        }
        finally
        {
            _ = LibC.close(write);
        }
    }

    private static unsafe (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, LibC.pipe2(fds, LibC.O_CLOEXEC));
        return (fds[0], fds[1]);
    }
}
