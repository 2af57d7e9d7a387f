using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.UnitTests.Core;

public sealed class ErrorsTests
{
    [Fact]
    public void MessageIsWhatColonWhy()
    {
        var e = new PodUnitsException("pod web", "image busybox:1.36 not found");
        Assert.Equal("pod web: image busybox:1.36 not found", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
        Assert.Equal(ExitCodes.BadInput, new BadInputException("x", "y").ExitCode);
    }

    [Fact]
    public void FailedSyscallNamesCallPathAndErrno()
    {
        const string path = "/nonexistent-podunits-test/x";
        int fd = OpenReadOnly(path);
        var e = Assert.Throws<NativeCallException>(() => Check.Io(fd, "open", path));
        Assert.Equal(Tmds.Linux.LibC.ENOENT, e.Errno);
        Assert.Equal("open /nonexistent-podunits-test/x: No such file or directory (errno 2)", e.Message);
    }

    [Fact]
    public void SuccessfulSyscallResultPassesThrough()
    {
        Assert.Equal(3, Check.Io(3, "dup"));
    }

    private static unsafe int OpenReadOnly(string path)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return Tmds.Linux.LibC.open(p, Tmds.Linux.LibC.O_RDONLY);
        }
    }
}
