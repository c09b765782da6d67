#!/usr/bin/env python3
"""Writes the sipp caller scenarios in this folder (one XML file per caller behaviour),
which Tests/HotlineCLITests/SIPLineTests.swift plays against hotlined. Run it after a change:
python3 Tests/SIPScenarios/make-scenarios.py"""
import os

SDP = """      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
      a={direction}"""
FROM = 'From: "sipp" <sip:5551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]'
TO = "To: <sip:[service]@[remote_ip]:[remote_port]>"


def send(lines, retrans=False):
    body = "\n".join("      " + line if line else "" for line in lines)
    attributes = ' retrans="500"' if retrans else ""
    return f"  <send{attributes}>\n    <![CDATA[\n{body}\n    ]]>\n  </send>\n"


def invite(cseq=1, in_dialog=False, direction="sendrecv", authenticated=False, sdp=True):
    uri = "[next_url]" if in_dialog else "sip:[service]@[remote_ip]:[remote_port]"
    return send([f"INVITE {uri} SIP/2.0", "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport", FROM,
                 TO + ("[peer_tag_param]" if in_dialog else ""), "Call-ID: [call_id]", f"CSeq: {cseq} INVITE"]
                + (["[authentication]"] if authenticated else []) + [
                 "Contact: <sip:sipp@[local_ip]:[local_port]>", "Max-Forwards: 70"]
                + (["Content-Type: application/sdp", "Content-Length: [len]", ""]
                   + [line.strip() for line in SDP.format(direction=direction).splitlines()] if sdp else ["Content-Length: 0"]),
                retrans=True)


def request(method, cseq, retrans=False, sdp=False):
    body = ["Content-Type: application/sdp", "Content-Length: [len]", ""] + [line.strip() for line in SDP.format(direction="sendrecv").splitlines()]
    return send([f"{method} [next_url] SIP/2.0", "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport", FROM,
                 TO + "[peer_tag_param]", "Call-ID: [call_id]", f"CSeq: {cseq} {method}", "[routes]", "Max-Forwards: 70"]
                + (body if sdp else ["Content-Length: 0"]), retrans)


def same_transaction(method):
    """CANCEL, or the ACK of a final error: the INVITE's Via and Request-URI."""
    return send([f"{method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0", "[last_Via:]", FROM,
                 TO + ("[peer_tag_param]" if method == "ACK" else ""), "Call-ID: [call_id]", f"CSeq: 1 {method}",
                 "Max-Forwards: 70", "Content-Length: 0"])


ANSWERED = ('  <recv response="100" optional="true"/>\n  <recv response="180" optional="true"/>\n'
            '  <recv response="200" rtd="true" rrs="true"/>\n')
OK_TO_BYE = send(["SIP/2.0 200 OK", "[last_Via:]", "[last_From:]", "[last_To:]", "[last_Call-ID:]", "[last_CSeq:]", "Content-Length: 0"])


def recv(what, timeout_ms=None, optional=False):
    kind = "response" if what.isdigit() else "request"
    extra = (f' timeout="{timeout_ms}"' if timeout_ms else "") + (' optional="true"' if optional else "")
    return f'  <recv {kind}="{what}"{extra}/>\n'


def pause(ms):
    return f'  <pause milliseconds="{ms}"/>\n'


def keys(sequence):
    """Each key as sipp's RFC 4733 capture of it, 400 ms apart."""
    names = {"*": "star", "#": "pound"}
    return "".join(f'  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_{names.get(k, k)}.pcap"/></action></nop>\n'
                   + pause(400) for k in sequence)


def scenario(name, comment, body):
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- {comment}
     Written by make-scenarios.py. Played as Tests/HotlineCLITests/SIPLineTests.swift does:
     sipp -sf FILE -m 1 -i 127.0.0.1 -mi 127.0.0.1 -p PORT -mp PORT -s 5000 -nostdin HOTLINE_ADDRESS -->
<scenario name="{name}">
{body}</scenario>
"""


HANG_UP = request("BYE", 2, retrans=True) + recv("200", 5000)


def answer_request(code, reason):
    """A response to the request just received (the hotline's REFER)."""
    return send([f"SIP/2.0 {code} {reason}", "[last_Via:]", "[last_From:]", "[last_To:]", "[last_Call-ID:]", "[last_CSeq:]",
                 "Content-Length: 0"])


NOTIFY_TRANSFERRED = send(["NOTIFY [next_url] SIP/2.0", "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport",
                           FROM, TO + "[peer_tag_param]", "Call-ID: [call_id]", "CSeq: 2 NOTIFY", "Max-Forwards: 70",
                           "Event: refer", "Subscription-State: terminated;reason=noresource",
                           "Content-Type: message/sipfrag;version=2.0", "Content-Length: [len]", "", "SIP/2.0 200 OK"],
                          retrans=True)
SCENARIOS = {
    "caller-audio.xml": scenario(
        "Hotline caller: speech from a file",
        "A caller that plays caller.ulaw (raw 8 kHz mu-law, in sipp's working folder) as its RTP,\n"
        "     RFC 4733 offered (its tones stay in the audio), and waits for the hotline to hang up.",
        invite() + ANSWERED + request("ACK", 1) + '  <nop><action><exec rtp_stream="caller.ulaw,1,0"/></action></nop>\n'
        + recv("BYE", 90000) + OK_TO_BYE),
    "caller-keys.xml": scenario(
        "Hotline caller: RFC 4733 keys",
        "A caller keying the example flow with RFC 4733 telephone-events (sipp's own DTMF captures):\n"
        "     1 (order status), 123456 (the order), 2 (nothing else); the hotline hangs up.",
        invite() + ANSWERED + request("ACK", 1) + pause(1500) + keys("1") + pause(2500) + keys("123456") + pause(9500)
        + keys("2") + recv("BYE", 30000) + OK_TO_BYE),
    "caller-hangs-up.xml": scenario(
        "Hotline caller: hangs up", "A caller that listens for three seconds, sending no audio, then hangs up (BYE).",
        invite() + ANSWERED + request("ACK", 1) + pause(3000) + HANG_UP),
    "caller-lost-ack.xml": scenario(
        "Hotline caller: its first ACK is lost",
        "A caller whose ACK comes 1.2 s late, as when the first is lost: the hotline sends its\n"
        "     200 OK again meanwhile (sipp absorbs the copies), the call goes on; then the caller hangs up.",
        invite() + ANSWERED + pause(1200) + request("ACK", 1) + pause(1000) + HANG_UP),
    "caller-holds.xml": scenario(
        "Hotline caller: hold and unhold",
        "A caller that puts the call on hold (re-INVITE, sendonly), takes it back (sendrecv), then hangs up.",
        invite() + ANSWERED + request("ACK", 1) + pause(1000)
        + invite(2, in_dialog=True, direction="sendonly") + recv("100", optional=True) + recv("200", 3000) + request("ACK", 2)
        + pause(1000) + invite(3, in_dialog=True) + recv("100", optional=True) + recv("200", 3000) + request("ACK", 3) + pause(500)
        + request("BYE", 4, retrans=True) + recv("200", 5000)),
    "caller-silent.xml": scenario(
        "Hotline caller: sends no media",
        "A caller whose RTP never comes: the hotline ends the call after its media timeout (BYE).",
        invite() + ANSWERED + request("ACK", 1) + recv("BYE", 15000) + OK_TO_BYE),
    "caller-cancels.xml": scenario(
        "Hotline caller: cancels while it rings",
        "A caller that cancels before the hotline answers (the line rings first: answer_after_ms).",
        invite() + recv("100", optional=True) + recv("180") + same_transaction("CANCEL") + recv("200") + recv("487")
        + same_transaction("ACK")),
    "pbx-accepts-transfer.xml": scenario(
        "PBX taking a blind transfer",
        "A PBX's leg that the flow transfers (REFER): it accepts (202), reports the target\n"
        "     answered (NOTIFY, sipfrag 200 OK), and the hotline hangs up.",
        invite() + ANSWERED + request("ACK", 1) + recv("REFER", 15000) + answer_request(202, "Accepted")
        + NOTIFY_TRANSFERRED + recv("200", 5000) + recv("BYE", 10000) + OK_TO_BYE),
    "pbx-refuses-transfer.xml": scenario(
        "PBX refusing a blind transfer",
        "A PBX's leg that refuses the flow's transfer (REFER answered 603): the hotline tells the\n"
        "     caller and hangs up.",
        invite() + ANSWERED + request("ACK", 1) + recv("REFER", 15000) + answer_request(603, "Declined")
        + recv("BYE", 15000) + OK_TO_BYE),
    "caller-authenticates.xml": scenario(
        "Hotline caller: digest authentication",
        "A caller (sipp -au USER -ap PASSWORD) whose first INVITE is challenged (401); it answers the\n"
        "     challenge, is answered, then hangs up.",
        invite() + recv("100", optional=True) + '  <recv response="401" auth="true"/>\n' + same_transaction("ACK")
        + invite(2, authenticated=True) + ANSWERED + request("ACK", 2) + pause(1000) + request("BYE", 3, retrans=True)
        + recv("200", 5000)),
    "caller-late-offer.xml": scenario(
        "Hotline caller: late offer",
        "A caller whose INVITE has no SDP: the hotline offers in its 200 OK, the caller answers in\n"
        "     the ACK and plays caller.ulaw as its RTP; it hangs up after the menu prompt.",
        invite(sdp=False) + ANSWERED + request("ACK", 1, sdp=True) + '  <nop><action><exec rtp_stream="caller.ulaw,1,0"/></action></nop>\n'
        + pause(6000) + HANG_UP),
    "caller-busy.xml": scenario(
        "Hotline caller: all lines busy", "A caller that expects 486 Busy Here (the line's max_calls are in progress).",
        invite() + recv("100", optional=True) + recv("486") + same_transaction("ACK")),
}

if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(__file__))
    for name, text in SCENARIOS.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
