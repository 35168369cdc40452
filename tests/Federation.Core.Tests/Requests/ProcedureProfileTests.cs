using Federation.Core.Requests;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>Which fields each profile requires, which deadlines and grounds it sets.</summary>
public sealed class ProcedureProfileTests
{
    [Fact]
    public void A_complete_preservation_draft_lacks_nothing_under_e_evidence_and_budapest()
    {
        Assert.Empty(ProcedureProfiles.EuEvidence.MissingFields(RequestType.Preserve, Priority.Normal, PreservationDetails));
        Assert.Empty(ProcedureProfiles.BudapestPreservation.MissingFields(RequestType.Preserve, Priority.Normal, PreservationDetails));
    }

    [Fact]
    public void Every_profile_requires_the_issuing_authority_description_and_legal_provisions()
    {
        foreach (var profile in ProcedureProfiles.All)
        {
            var missing = profile.MissingFields(profile.Types.First(), Priority.Normal, new RequestDetails());
            Assert.Contains("issuingAuthority", missing);
            Assert.Contains("description", missing);
        }
    }

    [Fact]
    public void E_evidence_requires_the_offence_category_which_budapest_does_not()
    {
        var details = PreservationDetails with { OffenceCategory = null };

        Assert.Equal(["offenceCategory"], ProcedureProfiles.EuEvidence.MissingFields(RequestType.Preserve, Priority.Normal, details));
        Assert.Empty(ProcedureProfiles.BudapestPreservation.MissingFields(RequestType.Preserve, Priority.Normal, details));
    }

    [Fact]
    public void A_disclosure_requires_categories_a_time_range_and_necessity()
    {
        var missing = ProcedureProfiles.EuEvidence.MissingFields(RequestType.DiscloseSubscriber, Priority.Normal, PreservationDetails);

        Assert.Equal(["dataCategories", "timeFrom", "timeTo", "necessityProportionality"], missing);
    }

    [Fact]
    public void A_disclosure_time_range_must_not_end_before_it_starts()
    {
        var details = DisclosureDetails with { TimeTo = DisclosureDetails.TimeFrom!.Value.AddDays(-1) };

        Assert.Equal(["timeTo"], ProcedureProfiles.EuEvidence.MissingFields(RequestType.DiscloseSubscriber, Priority.Normal, details));
    }

    [Fact]
    public void A_takedown_request_requires_what_to_look_for_the_illegality_decision_and_the_action()
    {
        var details = new RequestDetails { IssuingAuthority = "KCSC", Description = "Deepfake", LegalProvisions = ["Art 44-7"] };
        Assert.Equal(["identifiers", "illegalityBasis", "requestedAction"], ProcedureProfiles.TakedownAssistance.MissingFields(RequestType.TakedownAssist, Priority.Normal, details));

        var complete = details with
        {
            HashRefs = [new HashReference("kr-knpa/demo-deepfakes", 3, "sha256", new string('b', 64))],
            IllegalityBasis = "KCSC decision 2026-118", RequestedAction = "remove",
        };
        Assert.Empty(ProcedureProfiles.TakedownAssistance.MissingFields(RequestType.TakedownAssist, Priority.Normal, complete));
        Assert.Equal(["requestedAction"], ProcedureProfiles.TakedownAssistance.MissingFields(RequestType.TakedownAssist, Priority.Normal, complete with { RequestedAction = "burn" }));
    }

    [Fact]
    public void Police_information_requires_facts_and_a_handling_code()
    {
        var details = new RequestDetails { IssuingAuthority = "KNPA", Description = "x", LegalProvisions = ["Art 4"], HandlingCode = "H9" };

        Assert.Equal(["handlingCode", "factsSummary"], ProcedureProfiles.EuPoliceInformation.MissingFields(RequestType.PoliceInfo, Priority.Normal, details));
    }

    [Fact]
    public void Only_e_evidence_traffic_and_content_need_judicial_validation()
    {
        var content = DisclosureDetails with { DataCategories = [DataCategory.Content] };

        Assert.True(ProcedureProfiles.EuEvidence.NeedsValidation(RequestType.DiscloseTraffic, DisclosureDetails));
        Assert.True(ProcedureProfiles.EuEvidence.NeedsValidation(RequestType.EmergencyDisclosure, content));
        Assert.False(ProcedureProfiles.EuEvidence.NeedsValidation(RequestType.EmergencyDisclosure, DisclosureDetails));
        Assert.False(ProcedureProfiles.EuEvidence.NeedsValidation(RequestType.DiscloseSubscriber, DisclosureDetails));
        Assert.False(ProcedureProfiles.BudapestProtocolDisclosure.NeedsValidation(RequestType.DiscloseTraffic, DisclosureDetails));
    }

    [Fact]
    public void The_second_protocol_gives_20_days_for_subscriber_data_and_45_for_traffic()
    {
        var profile = ProcedureProfiles.BudapestProtocolDisclosure;

        Assert.Equal(TimeSpan.FromDays(20), profile.ResponseTime(RequestType.DiscloseSubscriber, Priority.Normal, DisclosureDetails));
        Assert.Equal(TimeSpan.FromDays(45), profile.ResponseTime(RequestType.DiscloseTraffic, Priority.Urgent, DisclosureDetails));
    }

    [Fact]
    public void E_evidence_gives_10_days_or_8_hours_in_an_emergency()
    {
        Assert.Equal(TimeSpan.FromDays(10), ProcedureProfiles.EuEvidence.ResponseTime(RequestType.DiscloseContent, Priority.Normal, DisclosureDetails));
        Assert.Equal(TimeSpan.FromHours(8), ProcedureProfiles.EuEvidence.ResponseTime(RequestType.DiscloseContent, Priority.Emergency, DisclosureDetails));
        Assert.Equal(TimeSpan.FromHours(8), ProcedureProfiles.EuEvidence.ResponseTime(RequestType.EmergencyDisclosure, Priority.Normal, DisclosureDetails));
        Assert.Equal(new PreservationTerms(TimeSpan.FromDays(60), TimeSpan.FromDays(30)), ProcedureProfiles.EuEvidence.Preservation);
    }

    [Fact]
    public void Profiles_are_found_by_their_legal_basis_code()
    {
        Assert.Same(ProcedureProfiles.EuPoliceInformation, ProcedureProfiles.Find("EU:2023/977"));
        Assert.False(ProcedureProfiles.TryFind("EU:2023/978", out _));
    }
}
