using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// The attach protocol between a terminal pod's executor (<see cref="TerminalHub"/>) and the
/// terminals attached to it (<see cref="AttachClient"/>: `podunits run -it`, `podunits attach`),
/// over an AF_UNIX sequenced-packet socket: one packet per message, its first byte the kind,
/// the rest the payload (docs/process-model.md, "Attach protocol"). Binary, unlike the pod
/// init's text protocol, because a terminal's bytes are anything.
/// </summary>
public enum AttachKind : byte
{
    /// <summary>Client → executor: typed bytes for the container's terminal.</summary>
    Input = (byte)'i',

    /// <summary>Client → executor: the client's window size, rows and columns (two 16-bit little-endian numbers).</summary>
    WindowSize = (byte)'w',

    /// <summary>Executor → client: what the container wrote to its terminal.</summary>
    Output = (byte)'o',

    /// <summary>Executor → client: stage 1's own diagnostics (its stderr), text.</summary>
    Diagnostics = (byte)'e',

    /// <summary>Executor → client: the container's command has ended; the client's terminal gets its modes back.</summary>
    CommandEnded = (byte)'z',

    /// <summary>Executor → client: the pod has ended with this exit code (32-bit little-endian), the last message.</summary>
    Exit = (byte)'x',
}

public static unsafe class AttachPacket
{
    /// <summary>The largest payload; a sender splits longer data.</summary>
    public const int MaxPayload = 16384;

    /// <summary>Sends one packet; false when the peer is gone.</summary>
    /// <param name="patience">Given, how long the peer may leave its socket full (not reading)
    /// before this gives up and returns false; else a send waits as long as it takes.</param>
    public static bool Send(int socket, AttachKind kind, ReadOnlySpan<byte> payload, TimeSpan? patience = null)
    {
        byte* packet = stackalloc byte[MaxPayload + 1];
        long deadline = patience is { } p ? Environment.TickCount64 + (long)p.TotalMilliseconds : long.MaxValue;
        while (true)
        {
            int length = Math.Min(payload.Length, MaxPayload);
            packet[0] = (byte)kind;
            payload[..length].CopyTo(new Span<byte>(packet + 1, length));
            long sent;
            while (true)
            {
                sent = send(socket, packet, (size_t)(length + 1), MSG_NOSIGNAL | (patience is null ? 0 : MSG_DONTWAIT));
                int error = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (error == EINTR || (error == EAGAIN && WritableBefore(socket, deadline)))
                {
                    continue;
                }
                break;
            }
            if (sent < 0)
            {
                return false;
            }
            payload = payload[length..];
            if (payload.IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>Whether <paramref name="socket"/> can take a packet before <paramref name="deadline"/> (TickCount64).</summary>
    private static bool WritableBefore(int socket, long deadline)
    {
        long left = deadline - Environment.TickCount64;
        if (left <= 0)
        {
            return false;
        }
        var wait = new pollfd { fd = socket, events = POLLOUT };
        return poll(&wait, 1, (int)Math.Min(left, int.MaxValue)) >= 0; // EINTR: look again
    }

    public static bool SendWindowSize(int socket, ushort rows, ushort columns)
    {
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(size, rows);
        BinaryPrimitives.WriteUInt16LittleEndian(size[2..], columns);
        return Send(socket, AttachKind.WindowSize, size);
    }

    public static bool SendExit(int socket, int code, TimeSpan? patience = null)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, code);
        return Send(socket, AttachKind.Exit, payload, patience);
    }

    /// <summary>The next packet into <paramref name="buffer"/> (at least <see cref="MaxPayload"/>
    /// + 1 bytes): its kind and payload length, or null at the end of the stream or on an error.</summary>
    public static (AttachKind Kind, int Length)? Receive(int socket, Span<byte> buffer)
    {
        while (true)
        {
            long n;
            fixed (byte* b = buffer)
            {
                n = recv(socket, b, (size_t)buffer.Length, 0);
            }
            if (n < 0 && Marshal.GetLastPInvokeError() == EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                return null;
            }
            return ((AttachKind)buffer[0], (int)n - 1);
        }
    }

    /// <summary>The rows and columns of a <see cref="AttachKind.WindowSize"/> payload.</summary>
    public static (ushort Rows, ushort Columns)? WindowSizeOf(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? (BinaryPrimitives.ReadUInt16LittleEndian(payload), BinaryPrimitives.ReadUInt16LittleEndian(payload[2..])) : null;

    /// <summary>The code of an <see cref="AttachKind.Exit"/> payload.</summary>
    public static int? ExitCodeOf(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : null;
}
