using System.Security.Cryptography;

namespace PodUnits.Systemd.Machines;

/// <summary>
/// A 128-bit machine ID as machined and /etc/machine-id use it (sd-id128(3)): 16 bytes,
/// written as 32 lowercase hex digits. <see cref="Empty"/> means "no ID"; machined then
/// leaves the machine without one.
/// </summary>
public readonly struct MachineId : IEquatable<MachineId>
{
    private readonly UInt128 _value;

    private MachineId(UInt128 value) => _value = value;

    public static MachineId Empty => default;

    public bool IsEmpty => _value == UInt128.Zero;

    /// <summary>From exactly 16 bytes, in the order they go over the bus.</summary>
    public static MachineId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            throw new ArgumentException($"a machine ID has 16 bytes, not {bytes.Length}", nameof(bytes));
        }
        UInt128 value = UInt128.Zero;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }
        return new MachineId(value);
    }

    /// <summary>A random ID formatted as a v4 UUID, as sd_id128_randomize() makes them.</summary>
    public static MachineId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return FromBytes(bytes);
    }

    /// <summary>Parses 32 hex digits, or a UUID with dashes.</summary>
    public static MachineId Parse(string text)
    {
        if (!TryParse(text, out MachineId id))
        {
            throw new FormatException($"'{text}' is not a machine ID (32 hex digits)");
        }
        return id;
    }

    public static bool TryParse(string? text, out MachineId id)
    {
        id = default;
        string hex = (text ?? "").Replace("-", "", StringComparison.Ordinal);
        if (hex.Length != 32 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }
        id = FromBytes(Convert.FromHexString(hex));
        return true;
    }

    public byte[] ToByteArray()
    {
        var bytes = new byte[16];
        UInt128 value = _value;
        for (int i = 15; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return bytes;
    }

    public override string ToString() => Convert.ToHexStringLower(ToByteArray());

    public bool Equals(MachineId other) => _value == other._value;
    public override bool Equals(object? obj) => obj is MachineId other && Equals(other);
    public override int GetHashCode() => _value.GetHashCode();
    public static bool operator ==(MachineId left, MachineId right) => left.Equals(right);
    public static bool operator !=(MachineId left, MachineId right) => !left.Equals(right);
}
