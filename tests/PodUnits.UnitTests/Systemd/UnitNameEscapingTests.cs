using System.Diagnostics;
using PodUnits.Systemd.Naming;

namespace PodUnits.UnitTests.Systemd;

/// <summary>
/// UnitNameEscaping must agree with systemd-escape(1) byte for byte. The expected strings
/// below were produced by systemd-escape 252 and are kept literally, so the tests run
/// anywhere; <see cref="AgreesWithTheRealSystemdEscape"/> re-checks them against the
/// installed tool when there is one.
/// </summary>
public sealed class UnitNameEscapingTests
{
    public static TheoryData<string, string> EscapeCases => new()
    {
            { "", "" },
            { "/", "-" },
            { "foo", "foo" },
            { "foo-bar", "foo\\x2dbar" },
            { ".hidden", "\\x2ehidden" },
            { "a.b", "a.b" },
            { "a/b", "a-b" },
            { "/a/b/", "-a-b-" },
            { "//a//b//", "--a--b--" },
            { "a b", "a\\x20b" },
            { "ümlaut", "\\xc3\\xbcmlaut" },
            { "a\\b", "a\\x5cb" },
            { "x:y_z", "x:y_z" },
            { "-", "\\x2d" },
            { "--", "\\x2d\\x2d" },
            { "@", "\\x40" },
            { "tab\tx", "tab\\x09x" },
            { "100%", "100\\x25" },
            { "é/ç", "\\xc3\\xa9-\\xc3\\xa7" },
            { "a/./b", "a-.-b" },
            { "a/../b", "a-..-b" },
            { ".", "\\x2e" },
            { "..", "\\x2e." },
            { "...", "\\x2e.." },
            { "my-pod", "my\\x2dpod" },
            { "web_1", "web_1" },
            { "UPPER:case", "UPPER:case" },
            { "日本", "\\xe6\\x97\\xa5\\xe6\\x9c\\xac" },
            { "emoji😀", "emoji\\xf0\\x9f\\x98\\x80" },
            { "a\"q'", "a\\x22q\\x27" },
            { "$HOME", "\\x24HOME" },
            { "a\u007fb", "a\\x7fb" },
            { "x\ny", "x\\x0ay" },
            { "-leading", "\\x2dleading" },
            { "trailing-", "trailing\\x2d" },
            { "pod@x", "pod\\x40x" },
            { "a.b.c.", "a.b.c." },
            { ".a.b", "\\x2ea.b" },
    };

    public static TheoryData<string, string> EscapePathCases => new()
    {
            { "", "-" },
            { "/", "-" },
            { "//", "-" },
            { "/.", "-" },
            { "/a/b/", "a-b" },
            { "//a//b//", "a-b" },
            { "a/./b", "a-b" },
            { "./a", "a" },
            { "/a/./", "a" },
            { "/./a/./b/.", "a-b" },
            { "...", "\\x2e.." },
            { "/.a", "\\x2ea" },
            { "/a/.b", "a-.b" },
            { "/-", "\\x2d" },
            { "/a-b/c d", "a\\x2db-c\\x20d" },
            { "/ ", "\\x20" },
            { "a//b", "a-b" },
            { "/var/lib/podunits", "var-lib-podunits" },
            { "/home/user/My Files", "home-user-My\\x20Files" },
            { "/dev/disk/by-label/ROOT", "dev-disk-by\\x2dlabel-ROOT" },
            { "/ümlaut/x", "\\xc3\\xbcmlaut-x" },
    };

    public static TheoryData<string> EscapePathFailures => new()
    {
            { "/../a" },
            { "/a/.." },
            { "/a/../b" },
            { ".." },
            { "/.." },
            { "." },
            { "a/../b" },
    };

    public static TheoryData<string, string> UnescapeCases => new()
    {
            { "foo-bar", "foo/bar" },
            { "\\x2dfoo", "-foo" },
            { "-", "/" },
            { "a\\x2fb", "a/b" },
            { "\\x2e", "." },
            { "", "" },
            { "a--b", "a//b" },
            { "-a", "/a" },
            { "a-", "a/" },
            { "\\x2e\\x2e", ".." },
            { "a-..-b", "a/../b" },
            { "\\x2F", "/" },
            { "\\xc3\\xbcmlaut", "ümlaut" },
            { "\\x2ehidden", ".hidden" },
            { "x:y_z", "x:y_z" },
    };

    public static TheoryData<string> UnescapeFailures => new()
    {
            { "\\x2" },
            { "\\xzz" },
            { "\\\\" },
            { "A\\X2F" },
            { "\\" },
            { "abc\\x" },
    };

    public static TheoryData<string, string> UnescapePathCases => new()
    {
            { "foo-bar", "/foo/bar" },
            { "\\x2dfoo", "/-foo" },
            { "-", "/" },
            { "a\\x2fb", "/a/b" },
            { "var-lib-podunits", "/var/lib/podunits" },
            { "\\x2ehidden-x", "/.hidden/x" },
    };

    public static TheoryData<string> UnescapePathFailures => new()
    {
            { "\\x2e" },
            { "" },
            { "a--b" },
            { "-a" },
            { "a-" },
            { "\\x2e\\x2e" },
            { "a-..-b" },
            { "a-.-b" },
            { "\\x2fa" },
            { "\\x2" },
    };

    [Theory]
    [MemberData(nameof(EscapeCases))]
    public void EscapeMatchesSystemdEscape(string input, string expected) =>
        Assert.Equal(expected, UnitNameEscaping.Escape(input));

    [Theory]
    [MemberData(nameof(EscapePathCases))]
    public void EscapePathMatchesSystemdEscapePath(string input, string expected) =>
        Assert.Equal(expected, UnitNameEscaping.EscapePath(input));

    [Theory]
    [MemberData(nameof(EscapePathFailures))]
    public void EscapePathRefusesWhatSystemdEscapeRefuses(string input) =>
        Assert.Throws<FormatException>(() => UnitNameEscaping.EscapePath(input));

    [Theory]
    [MemberData(nameof(UnescapeCases))]
    public void UnescapeMatchesSystemdEscapeUnescape(string input, string expected) =>
        Assert.Equal(expected, UnitNameEscaping.Unescape(input));

    [Theory]
    [MemberData(nameof(UnescapeFailures))]
    public void UnescapeRefusesWhatSystemdEscapeRefuses(string input) =>
        Assert.Throws<FormatException>(() => UnitNameEscaping.Unescape(input));

    [Theory]
    [MemberData(nameof(UnescapePathCases))]
    public void UnescapePathMatchesSystemdEscape(string input, string expected) =>
        Assert.Equal(expected, UnitNameEscaping.UnescapePath(input));

    [Theory]
    [MemberData(nameof(UnescapePathFailures))]
    public void UnescapePathRefusesWhatSystemdEscapeRefuses(string input) =>
        Assert.Throws<FormatException>(() => UnitNameEscaping.UnescapePath(input));

    [Theory]
    [MemberData(nameof(EscapeCases))]
    public void EscapeRoundTrips(string input, string escaped)
    {
        // '/' and '-' both come back as '/': escaping maps '/' to '-', unescaping '-' to '/'.
        Assert.Equal(input, UnitNameEscaping.Unescape(escaped));
    }

    [Fact]
    public void AgreesWithTheRealSystemdEscape()
    {
        string? tool = new[] { "/usr/bin/systemd-escape", "/bin/systemd-escape" }.FirstOrDefault(File.Exists);
        if (tool is null)
        {
            // No systemd here (xunit 2 cannot skip at run time): the literal tables still ran.
            Assert.NotEmpty(EscapeCases);
            return;
        }
        int compared = 0;
        foreach (object[] row in EscapeCases)
        {
            Assert.Equal(Run(tool!, "--", (string)row[0]), UnitNameEscaping.Escape((string)row[0]));
            compared++;
        }
        foreach (object[] row in EscapePathCases)
        {
            Assert.Equal(Run(tool!, "--path", "--", (string)row[0]), UnitNameEscaping.EscapePath((string)row[0]));
            compared++;
        }
        foreach (string input in EscapePathFailures)
        {
            Assert.Null(Run(tool!, "--path", "--", input));
            compared++;
        }
        foreach (object[] row in UnescapeCases)
        {
            Assert.Equal(Run(tool!, "--unescape", "--", (string)row[0]), UnitNameEscaping.Unescape((string)row[0]));
            compared++;
        }
        foreach (string input in UnescapeFailures)
        {
            Assert.Null(Run(tool!, "--unescape", "--", input));
            compared++;
        }
        foreach (object[] row in UnescapePathCases)
        {
            Assert.Equal(Run(tool!, "--unescape", "--path", "--", (string)row[0]), UnitNameEscaping.UnescapePath((string)row[0]));
            compared++;
        }
        Assert.True(compared > 80, $"compared only {compared} cases");
    }

    /// <summary>systemd-escape's output line, or null when it fails.</summary>
    private static string? Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.TrimEnd('\n') : null;
    }
}
