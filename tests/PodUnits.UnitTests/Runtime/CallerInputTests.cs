using PodUnits.Core.Files;
using PodUnits.Runtime.Attach;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Which kinds of caller stdin container code gets as they are: only a pipe or a
/// socket; a file, directory or device is the host's tree and goes through a pipe (stage 1
/// native review of 2026-12-07, finding 3).</summary>
public sealed class CallerInputTests
{
    private const long PipeFs = 0x50495045, Ext4 = 0xEF53, SockFs = 0x534F434B;

    [Theory]
    [InlineData(FileTypes.Fifo, PipeFs, true)]
    [InlineData(FileTypes.Socket, SockFs, true)]
    [InlineData(FileTypes.Fifo, Ext4, false)] // a named FIFO is a node of the host's tree
    [InlineData(FileTypes.Regular, Ext4, false)]
    [InlineData(FileTypes.Directory, Ext4, false)]
    [InlineData(FileTypes.CharDevice, 0x1021994, false)] // devtmpfs
    [InlineData(FileTypes.BlockDevice, 0x1021994, false)]
    [InlineData(FileTypes.Symlink, Ext4, false)]
    public void OnlyAnAnonymousPipeOrASocketIsPassedOnAsItIs(uint type, long fileSystem, bool passed) =>
        Assert.Equal(passed, CallerInput.PassedAsItIs(type, fileSystem));

    /// <summary>The file system type the check relies on, as the kernel reports it.</summary>
    [Fact]
    public void AnAnonymousPipeIsOnPipeFs()
    {
        (int read, int write) = PodUnits.Runtime.Spawning.Spawner.Pipe();
        try
        {
            Assert.Equal(PipeFs, PodUnits.Core.Native.LibcExtra.FileSystemType(read));
        }
        finally
        {
            _ = PodUnits.Core.Native.LibcExtra.close(read);
            _ = PodUnits.Core.Native.LibcExtra.close(write);
        }
    }
}
