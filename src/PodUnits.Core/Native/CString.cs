using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

/// <summary>
/// A NUL-terminated UTF-8 copy of a string in native memory, for the byte* parameters of
/// Tmds.LibC, freed when disposed:
/// <c>using var p = new CString(path); Check.Io(LibC.mkdir(p, mode), "mkdir", path);</c>.
/// </summary>
public readonly unsafe ref struct CString
{
    public CString(string value) => Address = LibcExtra.Utf8(value);

    public byte* Address { get; }

    public static implicit operator byte*(CString value) => value.Address;

    public void Dispose() => NativeMemory.Free(Address);
}
