using System.Text;
using Microsoft.Win32.SafeHandles;
using PodUnits.Runtime.Attach;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// `run -i`: a container stream's forwarder copies every chunk to the caller as well as to
/// its journals, and once the caller's end is gone it closes the container's pipe, so the
/// container's next write fails as it would have on the caller's own pipe. Real pipes; the
/// journal is a target that keeps what it gets.
/// </summary>
public sealed class LogForwarderTests
{
    [Fact]
    public void TheCallerAndTheJournalGetEveryChunkInOrder()
    {
        (int containerRead, int containerWrite) = Spawner.Pipe();
        (int callerRead, int callerWrite) = Spawner.Pipe();
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal], caller: new CallerOutput(callerWrite));
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("name? "));
            container.Flush();
            Assert.Equal("name? ", ReadExactly(callerRead, 6)); // no newline needed to reach the caller
            container.Write(Encoding.ASCII.GetBytes("you\nbye\n"));
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("you\nbye\n", ReadExactly(callerRead, 8));
        Assert.Equal("name? you\nbye\n", journal.Text);
        Assert.True(journal.Completed);
        Close(callerRead, callerWrite);
    }

    [Fact]
    public void OnceTheCallerIsGoneTheContainersNextWriteFails()
    {
        (int containerRead, int containerWrite) = Spawner.Pipe();
        (int callerRead, int callerWrite) = Spawner.Pipe();
        Close(callerRead);
        var journal = new KeepingTarget();
        bool ended = false;
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal], () => ended = true, new CallerOutput(callerWrite));
        forwarder.Start();
        using var container = Writer(containerWrite);
        container.Write(Encoding.ASCII.GetBytes("first\n"));
        container.Flush();
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)), "the forwarder went on reading for a caller that is gone");
        Assert.True(ended);
        Assert.Equal("first\n", journal.Text); // what was read is still journaled
        IOException e = Assert.Throws<IOException>(() => { container.Write(Encoding.ASCII.GetBytes("second\n")); container.Flush(); });
        Assert.Contains("pipe", e.Message, StringComparison.OrdinalIgnoreCase);
        Close(callerWrite);
    }

    /// <summary>Interactive review of 2026-12-07, finding 2: every error but EPIPE closed the
    /// container's pipe, so a hung-up terminal (EIO) killed the command by SIGPIPE during its
    /// graceful stop. Here the caller is /dev/full (ENOSPC): the caller is given up, the
    /// container writes on and the journal gets it all.</summary>
    [Fact]
    public void ACallerThatFailsOtherwiseIsGivenUpAndTheContainerWritesOn()
    {
        (int containerRead, int containerWrite) = Spawner.Pipe();
        using SafeFileHandle full = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal], caller: new CallerOutput((int)full.DangerousGetHandle()));
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("first\n"));
            container.Flush();
            Thread.Sleep(100);
            container.Write(Encoding.ASCII.GetBytes("second\n")); // no SIGPIPE, no EPIPE
            container.Flush();
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("first\nsecond\n", journal.Text);
        Assert.Equal(CallerWrite.Failed, CallerOutput.Meaning(Tmds.Linux.LibC.EIO));
        Assert.Equal(CallerWrite.Gone, CallerOutput.Meaning(Tmds.Linux.LibC.EPIPE));
    }

    /// <summary>Interactive review of 2026-12-07, finding 1: the caller came first, so a caller
    /// that read slowly held the journal's copy back too, and the end of the pod cut both. The
    /// journal gets each chunk before the caller; a caller given up (a stop's deadline) lets
    /// the rest go to the journal alone.</summary>
    [Fact]
    public void TheJournalDoesNotWaitForASlowCallerAndGetsTheRestOnceItIsDropped()
    {
        (int containerRead, int containerWrite) = Spawner.Pipe();
        (int callerRead, int callerWrite) = Spawner.Pipe();
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal], caller: new CallerOutput(callerWrite));
        forwarder.Start();
        byte[] output = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"{i}\n"))); // far more than two pipes hold
        var writing = new Thread(() =>
        {
            using var container = Writer(containerWrite);
            container.Write(output);
        }) { IsBackground = true };
        writing.Start();
        Assert.True(SpinWait.SpinUntil(() => forwarder.WaitingForCaller, TimeSpan.FromSeconds(10)), "the forwarder never waited for the caller");
        Assert.False(forwarder.Join(TimeSpan.FromMilliseconds(200))); // the caller's pace holds the container back
        Assert.True(journal.Text.Length > 0, "the journal waited for the caller");
        forwarder.DropCaller();
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)), "the forwarder still waits for the dropped caller");
        Assert.True(writing.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(Encoding.ASCII.GetString(output), journal.Text);
        Close(callerRead, callerWrite);
    }

    [Fact]
    public async Task AnUnfinishedLastLineGoesOutWhenTheRunEndsNotWithTheNextRun()
    {
        // A restarting container's runs share the pipe: its end does not come between them.
        (int containerRead, int containerWrite) = Spawner.Pipe();
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal]);
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("config missing"));
            container.Flush();
            await journal.WaitForAsync("config missing");
            forwarder.RunEnded();
            await journal.WaitForAsync("config missing|");
            container.Write(Encoding.ASCII.GetBytes("config missing\n"));
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("config missing|config missing\n", journal.Text);
    }

    [Fact]
    public async Task TheEndOfARunWhoseLastLineEndedLeavesTheNextRunsLinesWhole()
    {
        (int containerRead, int containerWrite) = Spawner.Pipe();
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal]);
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("run 1\n"));
            container.Flush();
            await journal.WaitForAsync("run 1\n");
            forwarder.RunEnded();
            container.Write(Encoding.ASCII.GetBytes("run 2, "));
            container.Flush();
            await journal.WaitForAsync("run 1\nrun 2, ");
            container.Write(Encoding.ASCII.GetBytes("one line\n"));
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("run 1\nrun 2, one line\n", journal.Text); // no end of run inside run 2's line
    }

    [Fact]
    public async Task ARunsLastLineIsItsOwnEvenWhenTheForwarderLagsBehind()
    {
        // The forwarder is held up in a journal (a slow journald) while the container writes
        // its last, unterminated line and its run ends.
        (int containerRead, int containerWrite) = Spawner.Pipe();
        using var gate = new ManualResetEventSlim(false);
        var journal = new KeepingTarget { Gate = gate };
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal]);
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("working\n"));
            container.Flush();
            await Task.Delay(100); // the forwarder now waits at the gate with "working\n"
            container.Write(Encoding.ASCII.GetBytes("fatal: no config"));
            container.Flush();
            forwarder.RunEnded();
            gate.Set();
            await journal.WaitForAsync("working\nfatal: no config|");
            container.Write(Encoding.ASCII.GetBytes("next run\n"));
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("working\nfatal: no config|next run\n", journal.Text);
    }

    [Fact]
    public async Task ARunsLastLineIsItsOwnWhenTheNextRunWroteBeforeTheForwarderCaughtUp()
    {
        // The first restart is immediate: the next run may write while the forwarder is still
        // held up in a journal with the last run's output. Its first line must not be glued
        // to the last run's unterminated one, which a read of all the pipe held would do.
        (int containerRead, int containerWrite) = Spawner.Pipe();
        using var gate = new ManualResetEventSlim(false);
        var journal = new KeepingTarget { Gate = gate };
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal]);
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("working\n"));
            container.Flush();
            await Task.Delay(100); // the forwarder now waits at the gate with "working\n"
            container.Write(Encoding.ASCII.GetBytes("fatal: no config"));
            container.Flush();
            forwarder.RunEnded();
            container.Write(Encoding.ASCII.GetBytes("next run\n"));
            container.Flush();
            gate.Set();
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("working\nfatal: no config|next run\n", journal.Text);
    }

    [Fact]
    public async Task RunsThatWroteNothingEndNoLine()
    {
        // Two quick crashes with no output between them, then a run that writes a line in
        // two pieces: neither empty run's end may cut it.
        (int containerRead, int containerWrite) = Spawner.Pipe();
        var journal = new KeepingTarget();
        var forwarder = new LogForwarder(containerRead, "test stdout", [journal]);
        forwarder.Start();
        using (var container = Writer(containerWrite))
        {
            container.Write(Encoding.ASCII.GetBytes("partial"));
            container.Flush();
            await journal.WaitForAsync("partial");
            forwarder.RunEnded();
            forwarder.RunEnded();
            await journal.WaitForAsync("partial|");
            forwarder.RunEnded();
            container.Write(Encoding.ASCII.GetBytes("one "));
            container.Flush();
            await journal.WaitForAsync("partial|one ");
            container.Write(Encoding.ASCII.GetBytes("line\n"));
        }
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("partial|one line\n", journal.Text);
    }

    [Fact]
    public void AFinishedForwarderIgnoresARunsEnd()
    {
        // The supervision loop may hear of a container's exit after its stream ended: the
        // forwarder's descriptor is closed by then and its number may be another's.
        (int containerRead, int containerWrite) = Spawner.Pipe();
        var forwarder = new LogForwarder(containerRead, "test stdout", [new KeepingTarget()]);
        forwarder.Start();
        Close(containerWrite);
        Assert.True(forwarder.Join(TimeSpan.FromSeconds(10)));
        (int probeRead, int probeWrite) = Spawner.Pipe(); // may take the closed number
        forwarder.RunEnded();
        using var stream = new FileStream(new SafeFileHandle(probeRead, ownsHandle: true), FileAccess.Read, 0);
        Close(probeWrite);
        Assert.Equal(-1, stream.ReadByte()); // nothing was written into it
    }

    private static FileStream Writer(int fd) => new(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 0);

    private static string ReadExactly(int fd, int count)
    {
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Read, 0);
        byte[] buffer = new byte[count];
        stream.ReadExactly(buffer);
        return Encoding.ASCII.GetString(buffer);
    }

    private static void Close(params int[] fds)
    {
        foreach (int fd in fds)
        {
            PodUnits.Core.Native.LibcExtra.close(fd);
        }
    }

    private sealed class KeepingTarget : LogTarget
    {
        private readonly StringBuilder _text = new();

        public override string Description => "test journal";

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public bool Completed { get; private set; }

        /// <summary>Set: each write waits for it (a journal that holds the forwarder up).</summary>
        public ManualResetEventSlim? Gate { get; init; }

        /// <summary>Waits until the journal holds <paramref name="text"/> (a run's end shows as "|").</summary>
        public async Task WaitForAsync(string text)
        {
            for (int i = 0; i < 1000 && Text != text; i++)
            {
                await Task.Delay(10);
            }
            Assert.Equal(text, Text);
        }

        protected override void Write(ReadOnlySpan<byte> chunk)
        {
            Gate?.Wait(TimeSpan.FromSeconds(10));
            lock (_text)
            {
                _text.Append(Encoding.ASCII.GetString(chunk));
            }
        }

        protected override void Finish() => Completed = true;

        protected override void EndOfRun()
        {
            lock (_text)
            {
                _text.Append('|');
            }
        }
    }
}
