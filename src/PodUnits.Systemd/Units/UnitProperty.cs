using PodUnits.Systemd.Bus;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

/// <summary>
/// One (name, variant) pair of the a(sv) property arrays StartTransientUnit and
/// SetUnitProperties take. The typed <see cref="TransientUnitProperties"/> covers what
/// PodUnits uses; these factories are the escape hatch for any other property listed in
/// org.freedesktop.systemd1(5) (for example <c>UnitProperty.OfString("OOMPolicy", "kill")</c>).
/// </summary>
public sealed class UnitProperty
{
    private readonly MessageBodyWriter _writeValue;

    private UnitProperty(string name, string signature, MessageBodyWriter writeValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(signature);
        Name = name;
        Signature = signature;
        _writeValue = writeValue;
    }

    /// <summary>The systemd property name, e.g. <c>MemoryMax</c>.</summary>
    public string Name { get; }

    /// <summary>The D-Bus signature of the value, e.g. <c>t</c> or <c>a(sasb)</c>.</summary>
    public string Signature { get; }

    public static UnitProperty OfString(string name, string value) => new(name, "s", (ref MessageWriter w) => w.WriteString(value));
    public static UnitProperty OfBool(string name, bool value) => new(name, "b", (ref MessageWriter w) => w.WriteBool(value));
    public static UnitProperty OfInt32(string name, int value) => new(name, "i", (ref MessageWriter w) => w.WriteInt32(value));
    public static UnitProperty OfUInt32(string name, uint value) => new(name, "u", (ref MessageWriter w) => w.WriteUInt32(value));
    public static UnitProperty OfUInt64(string name, ulong value) => new(name, "t", (ref MessageWriter w) => w.WriteUInt64(value));

    public static UnitProperty OfStringArray(string name, IReadOnlyList<string> values)
    {
        string[] copy = [.. values];
        return new(name, "as", (ref MessageWriter w) => w.WriteArray(copy));
    }

    public static UnitProperty OfUInt32Array(string name, IReadOnlyList<uint> values)
    {
        uint[] copy = [.. values];
        return new(name, "au", (ref MessageWriter w) => w.WriteArray(copy));
    }

    /// <summary>
    /// Any other type: <paramref name="writeValue"/> writes a value of exactly
    /// <paramref name="signature"/> (systemd rejects a mismatch with InvalidArgs).
    /// </summary>
    public static UnitProperty Custom(string name, string signature, MessageBodyWriter writeValue)
    {
        ArgumentNullException.ThrowIfNull(writeValue);
        return new(name, signature, writeValue);
    }

    /// <summary>Writes the (sv) struct: name, then the variant (its signature, then the value).</summary>
    internal void WriteTo(ref MessageWriter writer)
    {
        writer.WriteStructureStart();
        writer.WriteString(Name);
        writer.WriteSignature(Signature);
        _writeValue(ref writer);
    }

    internal static void WriteArray(ref MessageWriter writer, IEnumerable<UnitProperty> properties)
    {
        ArrayStart start = writer.WriteArrayStart(DBusType.Struct);
        foreach (UnitProperty property in properties)
        {
            property.WriteTo(ref writer);
        }
        writer.WriteArrayEnd(start);
    }

    public override string ToString() => $"{Name} ({Signature})";
}
