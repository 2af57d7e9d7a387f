using System.Text;

namespace PodUnits.Images.Trust;

/// <summary>
/// Turns ASCII-armored OpenPGP keys (RFC 4880 §6.2, what `gpg --export --armor` writes)
/// into the binary packets gpgv's --keyring needs; binary input passes through. Several
/// armored blocks become one keyring. Written by hand: ten lines of base64, no library.
/// </summary>
public static class OpenPgpArmor
{
    private const string Begin = "-----BEGIN PGP ";

    public static byte[] ToBinary(byte[] key, string what)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(key);
        }
        catch (DecoderFallbackException)
        {
            return key; // not text: binary packets already
        }
        if (!text.TrimStart().StartsWith(Begin, StringComparison.Ordinal)) return key;
        var output = new MemoryStream();
        string[] lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(Begin, StringComparison.Ordinal)) continue;
            i++;
            while (i < lines.Length && lines[i].Trim().Length > 0) i++; // armor headers end at a blank line
            var base64 = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith('=') && !lines[i].StartsWith("-----", StringComparison.Ordinal); i++)
            {
                base64.Append(lines[i].Trim());
            }
            try
            {
                output.Write(Convert.FromBase64String(base64.ToString()));
            }
            catch (FormatException)
            {
                throw new Core.Errors.PodUnitsException(what, "holds an armored OpenPGP block that is not valid base64");
            }
        }
        return output.ToArray();
    }
}
