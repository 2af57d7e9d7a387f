using System.Diagnostics;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Secrets stored encrypted with systemd's credentials (systemd-creds(1): the host key in
/// /var/lib/systemd/credential.secret, or the TPM2 where there is one): a file
/// ROOT/secrets/NAME.cred whose plaintext is the Secret document. PodUnits decrypts it in
/// memory with `systemd-creds decrypt` (LoadCredentialEncrypted= semantics: the credential's
/// embedded name must match), so the plaintext is never written to a file; it reaches the pod
/// through the sealed plan (Runtime/State/PlanHandoff.cs). Running the tool rather than
/// reimplementing its format: the format and the key handling are systemd's to evolve.
/// </summary>
public static class EncryptedSecrets
{
    public const string Extension = ".cred";
    public const string Tool = "/usr/bin/systemd-creds";

    /// <summary>The credential name embedded at encryption and checked at decryption.</summary>
    public static string CredentialName(string secretName) => $"podunits.secret.{secretName}";

    /// <summary>Decrypts <paramref name="path"/> (credential <paramref name="credentialName"/>);
    /// the plaintext, or an exception whose message says why not.</summary>
    public static string Decrypt(string path, string credentialName)
    {
        var (code, output, error) = Run(["decrypt", $"--name={credentialName}", path, "-"], null);
        return code == 0 ? output : throw new IOException($"systemd-creds decrypt failed: {FirstLine(error)}");
    }

    /// <summary>Encrypts <paramref name="plaintext"/> as credential <paramref name="credentialName"/>
    /// (host key, or TPM2 and host key where a TPM2 exists: systemd-creds' "auto"); returns the
    /// credential text (base64), which is what a .cred file holds.</summary>
    public static string Encrypt(string plaintext, string credentialName)
    {
        var (code, output, error) = Run(["encrypt", $"--name={credentialName}", "-", "-"], plaintext);
        return code == 0 ? output : throw new IOException($"systemd-creds encrypt failed: {FirstLine(error)}");
    }

    private static (int Code, string Output, string Error) Run(string[] args, string? input)
    {
        if (!File.Exists(Tool))
        {
            throw new IOException($"{Tool} is missing (package systemd); it is needed for encrypted secrets");
        }
        var info = new ProcessStartInfo(Tool)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        Process? started;
        try
        {
            started = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // An IOException as the tool's other failures, which callers say in a line of their
            // own (CLI review of 2026-12-07, finding 5): not .NET's message, a resource key here.
            throw new IOException($"cannot start {Tool}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e.NativeErrorCode)}", e);
        }
        using Process p = started ?? throw new IOException($"cannot start {Tool}");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> error = p.StandardError.ReadToEndAsync();
        try
        {
            if (input is not null)
            {
                p.StandardInput.Write(input);
            }
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool ended before it read its input (EPIPE): its exit status and stderr say
            // why, not "Broken pipe". The pipe is closed all the same (a flush of what is left
            // fails again, and the writer is closed then), so the Process's dispose has
            // nothing left to flush.
            try
            {
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // closed regardless
            }
        }
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => !l.Contains("not located on encrypted media", StringComparison.Ordinal)) ?? "no reason given";
}
