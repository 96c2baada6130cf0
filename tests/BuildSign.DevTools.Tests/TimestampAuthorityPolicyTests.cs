using BuildSign.Core;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.DevTools.Tests;

public sealed class TimestampAuthorityPolicyTests
{
    [Theory]
    [InlineData("2.25.45809641269074239280330955533153287741", "TSA policy: the object identifier 2.25.45809641269074239280330955533153287741 has an arc of 2^28 or more, which Windows cannot decode")]
    [InlineData("1.2.268435456", "TSA policy: the object identifier 1.2.268435456 has an arc of 2^28 or more, which Windows cannot decode")]
    [InlineData("1.2.x", "TSA policy: '1.2.x' is not a dotted object identifier")]
    [InlineData("3.1", "TSA policy: '3.1' is not a dotted object identifier")]
    public void A_policy_Windows_could_not_decode_is_refused(string policy, string message)
    {
        var error = Assert.Throws<SigningException>(() => TimestampAuthority.FromPemFiles(TestPki.Shared.TsaLeafPem, TestPki.Shared.TsaKeyPem, policy));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_largest_allowed_arc_is_accepted_and_stated()
    {
        var authority = TimestampAuthority.FromPemFiles(TestPki.Shared.TsaLeafPem, TestPki.Shared.TsaKeyPem, "1.2.268435455");

        Assert.Equal("1.2.268435455", authority.PolicyOid);
        Assert.Null(ObjectIdentifierRule.FindProblem(TimestampAuthority.DefaultPolicyOid));
    }
}
