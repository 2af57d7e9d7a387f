using System.Buffers.Binary;
using System.Text;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// The LogExtraFields= journald actually adds to a unit's entries. systemd exports them when
/// it prepares the unit's process, to /run/systemd/units/log-extra-fields:UNIT (each field a
/// little-endian 64-bit length, then KEY=VALUE), and journald reads that file, not the unit's
/// configuration. The two differ when a daemon-reload (the generator writing a drop-in)
/// lands between the unit's start and the executor's look at its fields: trusting the D-Bus
/// property then, the executor would leave to journald fields journald does not add.
/// </summary>
public static class ExportedLogFields
{
    public const string Directory = "/run/systemd/units";

    /// <summary>The fields journald adds for <paramref name="unit"/>: none when systemd
    /// exported none; null when this systemd exports no such files or the file cannot be
    /// read (then ask systemd for the unit's property instead).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? Read(string unit, string directory = Directory)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (!System.IO.Directory.Exists(directory))
        {
            return null;
        }
        try
        {
            return Parse(File.ReadAllBytes($"{directory}/log-extra-fields:{unit}"));
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The fields of an exported file; null when it is not one.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? Parse(ReadOnlySpan<byte> data)
    {
        var fields = new List<KeyValuePair<string, string>>();
        while (!data.IsEmpty)
        {
            if (data.Length < sizeof(ulong))
            {
                return null;
            }
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(data);
            data = data[sizeof(ulong)..];
            if (length > (ulong)data.Length)
            {
                return null;
            }
            string field = Encoding.UTF8.GetString(data[..(int)length]);
            data = data[(int)length..];
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }
            fields.Add(new(field[..equals], field[(equals + 1)..]));
        }
        return fields;
    }
}
