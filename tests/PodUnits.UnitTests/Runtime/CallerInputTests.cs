using PodUnits.Core.Files;
using PodUnits.Runtime.Attach;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Which kinds of caller stdin container code gets as they are: only a pipe or a
/// socket; a file, directory or device is the host's tree and goes through a pipe (stage 1
/// native review of 2026-12-07, finding 3).</summary>
public sealed class CallerInputTests
{
    [Theory]
    [InlineData(FileTypes.Fifo, true)]
    [InlineData(FileTypes.Socket, true)]
    [InlineData(FileTypes.Regular, false)]
    [InlineData(FileTypes.Directory, false)]
    [InlineData(FileTypes.CharDevice, false)]
    [InlineData(FileTypes.BlockDevice, false)]
    [InlineData(FileTypes.Symlink, false)]
    public void OnlyAPipeOrASocketIsPassedOnAsItIs(uint type, bool passed) =>
        Assert.Equal(passed, CallerInput.PassedAsItIs(type));
}
