using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// The executor's side of the pod journald's streams (Init/PodJournalStreams.cs): takes the
/// descriptors that came with the pod init's journal-streams message and hands each to the
/// forwarder of its container stream. They may come after the containers started (the pod's
/// journald starts alongside them): a forwarder's first chunk waits for its stream.
/// </summary>
public sealed class PodStreamHandoff : IDisposable
{
    private readonly ManualResetEventSlim _taken = new();
    private SafeFileHandle?[] _streams = [];

    /// <summary>Takes the descriptors that came with journal-streams; <paramref name="mask"/> has a
    /// '1' for each stream that came, in order, '0' for one the pod init could not open.</summary>
    public void Accept(string mask, int[] fds)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(fds);
        var streams = new SafeFileHandle?[mask.Length];
        int next = 0;
        for (int i = 0; i < mask.Length && next < fds.Length; i++)
        {
            if (mask[i] == '1')
            {
                streams[i] = new SafeFileHandle(fds[next++], ownsHandle: true);
            }
        }
        while (next < fds.Length)
        {
            _ = PodUnits.Core.Native.LibcExtra.close(fds[next++]); // more than announced: not ours to keep
        }
        _streams = streams;
        _taken.Set();
    }

    /// <summary>The pod init failed or is gone before reporting streams: nobody waits for them.</summary>
    public void Abandon() => _taken.Set();

    /// <summary>The stream at <paramref name="index"/> (2i stdout, 2i+1 stderr of container i); the caller owns it.</summary>
    public SafeFileHandle Get(int index)
    {
        if (!_taken.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new PodUnitsException("pod journal", "the pod init did not report its journal streams");
        }
        SafeFileHandle? stream = null;
        if (index < _streams.Length)
        {
            (stream, _streams[index]) = (_streams[index], null);
        }
        return stream ?? throw new PodUnitsException("pod journal", "no stream to the pod's journald");
    }

    /// <summary>Closes the streams no forwarder took.</summary>
    public void Dispose()
    {
        foreach (SafeFileHandle? stream in _streams)
        {
            stream?.Dispose();
        }
        _taken.Dispose();
    }
}
