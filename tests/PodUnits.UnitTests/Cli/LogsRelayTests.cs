using PodUnits.Cli;
using PodUnits.Cli.Commands;
using Tmds.Linux;

namespace PodUnits.UnitTests.Cli;

/// <summary>`podunits logs NAME | head -5`: once the reader has gone, the rest of the
/// journal is neither read nor rendered (it kept reading a journal of millions of lines to its
/// end for nobody). Over a real pipe, whose reader is closed or kept.</summary>
public sealed class LogsRelayTests
{
    private static string Entries(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $$"""{"MESSAGE":"line {{i}}","CONTAINER_NAME":"c","SYSLOG_IDENTIFIER":"c"}""" + "\n"));

    private static unsafe (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, LibC.pipe2(fds, LibC.O_CLOEXEC));
        return (fds[0], fds[1]);
    }

    [Fact]
    public async Task StopsReadingTheJournalOnceTheReaderHasGone()
    {
        (int read, int write) = Pipe();
        _ = LibC.close(read); // head -1 has exited
        try
        {
            using var journal = new StringReader(Entries(1000));
            using var stdout = new PlainConsole.DescriptorStream(write);
            bool complete = await LogsCommand.RelayAsync(journal, stdout, new(Prefix: false), new LogsCommand.LinePieces(), CancellationToken.None);
            Assert.False(complete);
            Assert.True(stdout.ReaderGone);
            Assert.Equal(999, (await journal.ReadToEndAsync()).Count(c => c == '\n')); // one line read, the rest not
        }
        finally
        {
            _ = LibC.close(write);
        }
    }

    [Fact]
    public async Task RelaysEveryLineWhileTheReaderReads()
    {
        (int read, int write) = Pipe();
        try
        {
            using var journal = new StringReader(Entries(100));
            using (var stdout = new PlainConsole.DescriptorStream(write))
            {
                Assert.True(await LogsCommand.RelayAsync(journal, stdout, new(Prefix: false), new LogsCommand.LinePieces(), CancellationToken.None));
                Assert.False(stdout.ReaderGone);
            }
            _ = LibC.close(write);
            write = -1;
            using var shown = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(read, ownsHandle: true), FileAccess.Read);
            read = -1;
            using var text = new StreamReader(shown);
            string[] lines = (await text.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"line {i}"), lines);
        }
        finally
        {
            if (read >= 0) _ = LibC.close(read);
            if (write >= 0) _ = LibC.close(write);
        }
    }
}
