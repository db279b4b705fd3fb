using Custodian.Gateway.Protos.Subjects;
using Record = Custodian.Gateway.Protos.Subjects.Record;

namespace Custodian.Tests.Subjects;

internal static class SampleRecords
{
    public static Record Contact(string email) => new()
    {
        Category = "contact",
        Purpose = "Account management and service messages",
        LegalBasis = LegalBasis.Contract,
        Fields = { ["email"] = email, ["name"] = "Jane Example" },
    };

    public static Record Billing(string iban) => new()
    {
        Category = "billing",
        Purpose = "Invoicing",
        LegalBasis = LegalBasis.Contract,
        Fields = { ["iban"] = iban },
    };
}
