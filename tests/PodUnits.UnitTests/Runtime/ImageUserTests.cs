using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class ImageUserTests
{
    private static string? Files(string path) => path switch
    {
        "etc/passwd" => "root:x:0:0:root:/root:/bin/sh\n# comment\nwww:x:33:34:web:/var/www:/bin/false\n",
        "etc/group" => "root:x:0:\nstaff:x:50:\n",
        _ => null,
    };

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, null)]
    [InlineData("0", 0L, 0L)]
    [InlineData("33", 33L, 34L)]      // primary group from /etc/passwd
    [InlineData("1234", 1234L, 0L)]   // unknown uid: group 0, as Docker does
    [InlineData("www", 33L, 34L)]
    [InlineData("www:staff", 33L, 50L)]
    [InlineData("1000:2000", 1000L, 2000L)]
    public void UserToNumbers(string? user, long? uid, long? gid) =>
        Assert.Equal((uid, gid), ImageUser.Resolve(user, Files));

    [Theory]
    [InlineData("nobody")]
    [InlineData("www:nogroup")]
    public void UnknownNamesAreErrors(string user)
    {
        var e = Assert.Throws<ArgumentException>(() => ImageUser.Resolve(user, Files));
        Assert.Contains("is not in the image's /etc/", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPasswdFileMeansNamesCannotResolve() =>
        Assert.Throws<ArgumentException>(() => ImageUser.Resolve("www", _ => null));
}
