using System.Globalization;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Runtime.Logging;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Stage 0: the compiled program of a container's seccomp profile, from a cache. libseccomp
/// takes about 30 ms to compile RuntimeDefault for x86_64's three ABIs, far more than a pod
/// start may spend on confinement, while the program depends only on what is hashed into the
/// cache key: the profile's bytes, the container's capabilities, the architecture, the
/// running kernel (a profile's minKernel conditions) and the libseccomp build (which syscall
/// names it knows). So it is compiled once per key and kept in
/// /var/cache/podunits/seccomp/KEY.bpf (root only, written whole, synced and renamed, its
/// SHA-256 first: a file a crash left empty or torn is compiled again, never read as "no
/// filter", which the native side would refuse anyway); a warm start
/// reads 10 KB and never parses the profile or loads libseccomp. Deleting the directory is
/// always safe. The built-in profile is known by its SHA-256, checked by a unit test against
/// the embedded file, so a cached start does not even read it (reading an embedded resource
/// costs a NativeAOT process several milliseconds the first time).
/// </summary>
public static class SeccompPrograms
{
    public const string CacheDirectory = "/var/cache/podunits/seccomp";

    /// <summary>Bumped whenever the compiler's output for the same input changes (the ENOSYS
    /// prefix, the bad-architecture action...), so old cached programs are not reused.</summary>
    private const string CompilerVersion = "podunits-seccomp-2";

    private const int HashLength = 32;

    private static readonly string[] LibraryDirectories =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"];

    /// <summary>SHA-256 of runtime-default.json as embedded; SeccompPlanTests fails when the
    /// file changes and this does not.</summary>
    public const string RuntimeDefaultSha256 = "e1b92b232d2df4384867d21e939581524bb1149772ab209a99e20f8bd9b62040";

    /// <summary>The program for the built-in RuntimeDefault profile and a container's bounding set.</summary>
    public static byte[] GetRuntimeDefault(IReadOnlyCollection<int> capabilities, string cacheDirectory = CacheDirectory) =>
        Get(RuntimeDefaultSha256, () => RuntimeDefaultJson, "RuntimeDefault", capabilities, cacheDirectory);

    /// <summary>The program for a profile given as its JSON bytes (<paramref name="source"/>
    /// names it in errors) and a container's bounding set.</summary>
    public static byte[] Get(byte[] profileJson, string source, IReadOnlyCollection<int> capabilities, string cacheDirectory = CacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(profileJson);
        return Get(Convert.ToHexStringLower(Sha256.HashData(profileJson)), () => profileJson, source, capabilities, cacheDirectory);
    }

    private static byte[] Get(string profileSha256, Func<byte[]> profileJson, string source, IReadOnlyCollection<int> capabilities,
        string cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        string key = Key(profileSha256, capabilities);
        string path = $"{cacheDirectory}/{key}.bpf";
        try
        {
            if (Verified(File.ReadAllBytes(path)) is { } cached)
            {
                return cached;
            }
            StageLog.Warning($"seccomp cache {path}: damaged (a crash while it was written?), compiling again");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // compiled below
        }
        SeccompProfile profile = SeccompProfiles.Parse(Encoding.UTF8.GetString(profileJson()), source);
        byte[] program = SeccompCompiler.Compile(profile, capabilities);
        Store(cacheDirectory, path, program);
        return program;
    }

    /// <summary>The program a cache file holds when its hash says it is whole, else null.</summary>
    internal static byte[]? Verified(byte[] file)
    {
        if (file.Length < HashLength + 8 || (file.Length - HashLength) % 8 != 0)
        {
            return null;
        }
        byte[] program = file[HashLength..];
        return Sha256.HashData(program).AsSpan().SequenceEqual(file.AsSpan(0, HashLength)) ? program : null;
    }

    /// <summary>What a cache file holds: the program's SHA-256, then the program.</summary>
    internal static byte[] CacheFile(byte[] program) => [.. Sha256.HashData(program), .. program];

    private static readonly Lazy<byte[]> RuntimeDefault = new(() => SeccompProfiles.RuntimeDefaultJson);

    /// <summary>The built-in RuntimeDefault profile's JSON (runtime-default.json).</summary>
    public static byte[] RuntimeDefaultJson => RuntimeDefault.Value;

    internal static string Key(string profileSha256, IReadOnlyCollection<int> capabilities)
    {
        // Sorted in an array, not with Order().Select(...): a generic virtual call, which NativeAOT
        // looks up at run time at every pod start (docs/process-model.md, "What a NativeAOT process pays").
        int[] sorted = [.. capabilities];
        Array.Sort(sorted);
        var context = new StringBuilder()
            .Append(CompilerVersion).Append('\n')
            .Append(SeccompHost.Current.ScmpArch).Append('\n')
            .Append(SeccompHost.Current.Kernel.ToString()).Append('\n')
            .Append(LibraryIdentity()).Append('\n')
            .Append(string.Join(',', Array.ConvertAll(sorted, c => c.ToString(CultureInfo.InvariantCulture)))).Append('\n')
            .Append(profileSha256).Append('\n');
        return Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(context.ToString())));
    }

    /// <summary>libseccomp's file as the loader finds it: its real name carries the version
    /// (libseccomp.so.2.5.4), and size and time tell a rebuilt one apart.</summary>
    private static string LibraryIdentity()
    {
        foreach (string dir in LibraryDirectories)
        {
            var link = new FileInfo($"{dir}/libseccomp.so.2");
            if (link.Exists)
            {
                FileSystemInfo real = link.ResolveLinkTarget(returnFinalTarget: true) ?? link;
                var file = new FileInfo(real.FullName);
                return string.Create(CultureInfo.InvariantCulture, $"{file.FullName} {file.Length} {file.LastWriteTimeUtc.Ticks}");
            }
        }
        return "libseccomp not found"; // Compile says so, when it comes to that
    }

    private static void Store(string directory, string path, byte[] program)
    {
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string temporary = $"{path}.{Environment.ProcessId}.tmp";
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(CacheFile(program));
                stream.Flush(flushToDisk: true); // before the rename gives it the name that says "complete"
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the next start a compile, nothing else.
            StageLog.Warning($"seccomp cache {directory}: {e.Message}, ignoring");
        }
    }
}
