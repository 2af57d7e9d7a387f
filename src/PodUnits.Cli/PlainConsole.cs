using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Runtime.Attach;
using Tmds.Linux;

namespace PodUnits.Cli;

/// <summary>
/// Console.Out and Console.Error as plain writes to descriptors 1 and 2.
/// </summary>
/// <remarks>
/// .NET's own console stream, on its first write to a terminal whose stdin is a terminal too,
/// writes terminfo's keypad_xmit (<c>ESC [ ? 1 h ESC =</c>) and never writes keypad_local back:
/// every podunits command typed at a shell left it in application keypad mode (found by a
/// user tour after <c>run -it</c> detached). The CLI prints text and changes a terminal's modes
/// only where it means to (raw mode while attached), so it writes the bytes itself. Like .NET's
/// console it drops output to a reader that has gone (EPIPE: <c>podunits list | head -1</c>) and
/// waits out a non-blocking descriptor (EAGAIN).
/// </remarks>
internal static class PlainConsole
{
    /// <summary>Replaces Console.Out and Console.Error; call before anything holds on to either.</summary>
    public static void Install()
    {
        Console.SetOut(WriterFor(1));
        Console.SetError(WriterFor(2));
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for standard output's reader to go
    /// (a pipe's reader exited: `podunits logs -f web | head -1`; a terminal hung up).</summary>
    public static unsafe bool OutputReaderGone(int milliseconds)
    {
        var wait = new pollfd { fd = 1, events = 0 }; // POLLERR and POLLHUP are always reported
        return LibC.poll(&wait, 1, milliseconds) > 0 && ((wait.revents & LibC.POLLERR) != 0 || (wait.revents & LibC.POLLHUP) != 0 || (wait.revents & LibC.POLLNVAL) != 0);
    }

    /// <summary>Standard output as bytes, for a command that writes them itself (`logs`):
    /// Console.OpenStandardOutput would set the terminal up as above.</summary>
    public static DescriptorStream OpenStandardOutput() => new(1);

    /// <summary>A writer for <paramref name="fd"/>; nothing at all when the descriptor is
    /// closed (`podunits list >&-`), as .NET's console does.</summary>
    private static TextWriter WriterFor(int fd) => LibC.fcntl(fd, LibC.F_GETFD) < 0 ? TextWriter.Null :
        new StreamWriter(new DescriptorStream(fd), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096)
        {
            AutoFlush = true,
        };

    /// <summary>A write-only stream over an inherited descriptor it does not own.</summary>
    internal sealed class DescriptorStream(int fd) : Stream
    {
        private readonly CallerOutput _output = new(fd);
        private bool _readerGone;

        /// <summary>Whether a write found no reader (EPIPE): what follows is dropped, and a
        /// command with more to write may as well end.</summary>
        public bool ReaderGone => _readerGone;

        /// <summary>Set, a write that finds no reader fails with this error instead of
        /// dropping what follows: for output that is nothing unless whole (`image export REF -`,
        /// which read and hashed every blob for a reader gone, then exited 0: CLI review of
        /// 2026-12-07, finding 4), as tar and cat end by SIGPIPE.</summary>
        public (string What, string Why)? IncompleteWithoutReader { get; init; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_readerGone)
            {
                ThrowIfIncomplete();
                return; // the rest of the output has no reader either
            }
            int errno = _output.WriteAll(buffer);
            if (errno == LibC.EPIPE)
            {
                _readerGone = true;
                ThrowIfIncomplete();
            }
            else if (errno != 0)
            {
                // Not an internal error: the output's own (a full disk, /dev/full), exit 1.
                throw new Core.Errors.PodUnitsException(fd == 1 ? "standard output" : "standard error", Marshal.GetPInvokeErrorMessage(errno));
            }
        }

        private void ThrowIfIncomplete()
        {
            if (IncompleteWithoutReader is { } error)
            {
                throw new Core.Errors.PodUnitsException(error.What, error.Why);
            }
        }

        /// <summary>Written at once, as the console's stream does (`logs` writes a line at a time).</summary>
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
