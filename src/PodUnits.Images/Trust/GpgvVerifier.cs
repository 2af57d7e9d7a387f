using System.Diagnostics;

namespace PodUnits.Images.Trust;

/// <summary>
/// Checks an OpenPGP signed message ("simple signing", what `skopeo copy --sign-by` writes)
/// with GnuPG's own verify-only tool, gpgv, against a keyring holding exactly the policy's
/// keys, and returns the signed payload. gpgv is in every Debian installation (priority
/// important); containers/image uses GnuPG as well (through gpgme). A signature counts only
/// when gpgv exits 0 and reports exactly one good, valid signature (GOODSIG and VALIDSIG on
/// --status-fd): an expired or revoked key, an expired signature or a second signature
/// refuse it.
/// </summary>
public static class GpgvVerifier
{
    public const string DefaultTool = "/usr/bin/gpgv";
    private const int MaxPayload = 4 << 20;

    /// <summary>The payload, or null with <paramref name="why"/> set.</summary>
    public static byte[]? Verify(byte[] signature, byte[] keyring, out string why, string tool = DefaultTool) =>
        Verify(signature, keyring, out why, out _, tool);

    /// <summary>As above; <paramref name="content"/> is what the message says even when its
    /// signature does not count (for `image inspect` to show which identity it claims; never
    /// trusted).</summary>
    public static byte[]? Verify(byte[] signature, byte[] keyring, out string why, out byte[] content, string tool = DefaultTool)
    {
        content = [];
        if (!File.Exists(tool))
        {
            why = $"{tool} is missing (Debian package gpgv) to check GPG signatures";
            return null;
        }
        DirectoryInfo temp = Directory.CreateTempSubdirectory("podunits-gpgv-");
        try
        {
            File.WriteAllBytes(temp.FullName + "/keyring.gpg", keyring);
            File.WriteAllBytes(temp.FullName + "/signature", signature);
            var info = new ProcessStartInfo(tool)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // An empty home: nothing of root's ~/.gnupg (trustedkeys.kbx) counts.
            foreach (string a in (string[])["--homedir", temp.FullName, "--keyring", temp.FullName + "/keyring.gpg", "--status-fd", "2",
                "--output", "-", temp.FullName + "/signature"])
            {
                info.ArgumentList.Add(a);
            }
            info.Environment["LC_ALL"] = "C";
            using Process p = Process.Start(info) ?? throw new IOException($"cannot start {tool}");
            var payload = new MemoryStream();
            Task copy = Task.Run(() => CopyLimited(p.StandardOutput.BaseStream, payload));
            string status = p.StandardError.ReadToEnd();
            copy.GetAwaiter().GetResult();
            p.WaitForExit();
            content = payload.Length <= MaxPayload ? payload.ToArray() : [];
            var lines = status.Split('\n').Where(l => l.StartsWith("[GNUPG:] ", StringComparison.Ordinal)).Select(l => l[9..].Split(' ')).ToList();
            bool Has(string keyword) => lines.Any(l => l[0] == keyword);
            if (Has("NO_PUBKEY") || Has("ERRSIG"))
            {
                why = "signed by a key the policy does not list";
                return null;
            }
            foreach (string bad in (string[])["BADSIG", "EXPKEYSIG", "REVKEYSIG", "EXPSIG"])
            {
                if (Has(bad))
                {
                    why = bad switch { "BADSIG" => "the signature does not match its content", "EXPKEYSIG" => "the signing key has expired",
                        "REVKEYSIG" => "the signing key was revoked", _ => "the signature has expired" };
                    return null;
                }
            }
            if (p.ExitCode != 0 || lines.Count(l => l[0] == "NEWSIG") != 1 || !Has("GOODSIG") || !Has("VALIDSIG") || payload.Length > MaxPayload)
            {
                why = $"not a valid single OpenPGP signature (gpgv exited {p.ExitCode})";
                return null;
            }
            why = "";
            return payload.ToArray();
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static void CopyLimited(Stream from, MemoryStream to)
    {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            if (to.Length <= MaxPayload) to.Write(buffer, 0, n); // past the limit: drain, then refuse
        }
    }
}
