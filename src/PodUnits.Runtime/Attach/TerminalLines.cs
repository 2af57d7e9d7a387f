namespace PodUnits.Runtime.Attach;

/// <summary>
/// A terminal's output as log lines: the pty's line discipline ends every line with CR LF
/// (onlcr), which the journal would keep as part of each message (and journalctl would then
/// show it as blob data). This drops a CR that comes right before an LF, across chunk
/// boundaries too, and keeps every other byte: a lone CR (a progress bar redrawing its line)
/// is the program's own. What a line is, is left to the log forwarder's LineSplitter.
/// </summary>
internal sealed class TerminalLines
{
    private bool _pendingCr;

    /// <summary>Writes <paramref name="chunk"/> without its CRs before LFs into
    /// <paramref name="output"/> (at least one byte longer than the chunk); returns the length.</summary>
    public int Strip(ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        if (chunk.IsEmpty)
        {
            return 0;
        }
        int length = 0;
        if (_pendingCr && chunk[0] != (byte)'\n')
        {
            output[length++] = (byte)'\r';
        }
        _pendingCr = false;
        for (int i = 0; i < chunk.Length; i++)
        {
            if (chunk[i] == (byte)'\r')
            {
                if (i + 1 == chunk.Length)
                {
                    _pendingCr = true; // decided by the next chunk's first byte
                    continue;
                }
                if (chunk[i + 1] == (byte)'\n')
                {
                    continue;
                }
            }
            output[length++] = chunk[i];
        }
        return length;
    }

    /// <summary>The end of the output: a CR held back for the next chunk stays the program's.</summary>
    public int Finish(Span<byte> output)
    {
        if (!_pendingCr)
        {
            return 0;
        }
        _pendingCr = false;
        output[0] = (byte)'\r';
        return 1;
    }
}
