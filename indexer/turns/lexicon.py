"""The words a speaker label is made of, by what they say about the label.

A label is a person's name, possibly after their role ("President of Russia Vladimir Putin",
"Direct line programme host Kirill Kleymenov", "Gazprom CEO Alexei Miller"); an anonymous
questioner ("Question", "Remark", "Q"); or a title ("The President", "MODERATOR"). Everything
here is compared in lower case. The lists were drawn from the labels of the Kremlin collection
(roles before names) and from the shapes of interview and chat transcripts; places come from
NLTK's gazetteers (countries, nationalities, states and provinces).
"""

from __future__ import annotations

import functools

from indexer import analyse

# Words a role or an organisation's name is made of: they end a name that runs backwards from
# the colon ("Kemerovo Mayor | Ilya Seredyuk", "Ministry of Industry and Trade | Denis Manturov").
ROLE_WORDS: frozenset[str] = frozenset(
    """
    president vice-president prime minister deputy first acting governor mayor head chairman
    chairwoman chairperson chair co-chair director director-general general secretary
    secretary-general press spokesman spokeswoman spokesperson ceo cfo chief executive officer
    editor editor-in-chief columnist moderator host presenter anchor correspondent journalist
    reporter commander colonel lieutenant sr jr lt sergeant sgt captain major admiral marshal
    ambassador adviser advisor aide envoy representative member speaker senator chancellor
    premier king queen prince princess emir sheikh patriarch metropolitan archbishop bishop
    professor rector dean founder co-founder partner managing plenipotentiary presidential
    commissioner auditor prosecutor ombudsman coordinator manager leader student teacher
    doctor pilot worker resident participant volunteer expert analyst economist blogger writer
    author singer actor actress producer coach trainer champion athlete cosmonaut astronaut
    engineer entrepreneur farmer builder nurse veteran player interpreter translator owner
    officer staff inspector principal superintendent vice senior junior chief-of-staff
    """.split()
)
ORGANISATION_WORDS: frozenset[str] = frozenset(
    """
    region territory republic federation council committee commission board directors bank
    corporation company group holding fund capital management partners agency forum club
    ministry service office university institute academy centre center foundation society
    union unions party faction duma state federal national international association chamber
    court government administration authority organisation organization assembly parliament
    senate congress army forces force fleet district department division directorate guard
    police railways airlines systems technologies industries energy trade industry affairs
    development defence defense finance economy economic health healthcare education science
    sciences culture sport sports transport justice labour labor agriculture construction
    housing utilities emergencies resources environment ecology communications media mass
    digital foreign internal interior natural social protection relief disaster disasters
    civil security intelligence channel tv television radio newspaper magazine news daily
    times post journal plant factory museum theatre theater hospital school college
    headquarters staff customs taxation supervision investigative monitoring financial
    military city oblast krai okrug province county municipality administration nations
    goals initiatives reforms reform matters republics summit charter conference convention
    treaty declaration programme agenda strengthening paper system systems representatives
    """.split()
)
# Lower-case words that may stand in a role ("programme host", "news presenter", "plenary
# session moderator"); any other lower-case word makes the label a sentence.
LOWER_ROLE_WORDS: frozenset[str] = ROLE_WORDS | frozenset(
    """
    of the and for in on at to de da du des del della di van von der den al el bin ibn bint
    la le y e line programme program news session plenary faction party team flight training
    detachment online media outlet magazine newspaper channel woman man award ceremony
    national political election campaign forces group bandy board
    """.split()
)
# Lower-case particles that may stand inside a name ("Hans-Friedrich von Ploetz").
NAME_PARTICLES: frozenset[str] = frozenset(
    "van von der den de da du des del della di al el bin ibn bint la le ter ten".split()
)
# Titles whose holder's name may end with where they reign ("King Abdullah II of Jordan",
# "Patriarch Theophilos III of Jerusalem").
REALM_TITLES: frozenset[str] = frozenset(
    "king queen prince princess emir sultan patriarch metropolitan archbishop bishop pope".split()
)
# Words that open or join a sentence, never a label ("As for Buryatia and Trans-Baikal",
# "I would like to repeat"); "may", "will" and "can" are left out: they are names too.
SENTENCE_WORDS: frozenset[str] = frozenset(
    """
    as but this that these those it its we i you he she they there here so if when while
    after before since because although what which who how why where let my our your his her
    their is are was were be been has have had would could should must not no yes all some
    any each every also only just now then today yesterday tomorrow regarding concerning
    about with from by into over under between through during without within against among
    please thank thanks
    """.split()
)
# List words: "First:", "Second:" number the points of a speech.
LIST_WORDS: frozenset[str] = frozenset(
    """
    first second third fourth fifth sixth seventh eighth ninth tenth firstly secondly thirdly
    fourthly fifthly next finally lastly also further moreover
    """.split()
)
HONORIFICS: frozenset[str] = frozenset(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. sir dame madam madame mme mme. m. herr frau prof prof.
    """.split()
)
# Labels of anonymous questioners and of the audience: the turn has no named speaker.
ANONYMOUS: frozenset[str] = frozenset(
    {
        "q",
        "question",
        "questions",
        "follow-up question",
        "remark",
        "remarks",
        "reply",
        "response",
        "comment",
        "voice",
        "voices",
        "voice from the audience",
        "audience",
        "audience member",
        "from the audience",
        "participant",
        "participants",
        "volunteer",
        "volunteers",
        "journalist",
        "journalists",
        "unidentified speaker",
        "unidentified man",
        "unidentified woman",
        "inaudible",
    }
)
# Titles that name the document's own speaker in a transcript of them.
SELF_TITLES: frozenset[str] = frozenset(
    {"the president", "president", "a", "answer", "the prime minister", "the chancellor"}
)
# Titles without a name: a turn by someone the label does not name.
TITLES: frozenset[str] = frozenset(
    {
        "moderator",
        "the moderator",
        "host",
        "the host",
        "presenter",
        "interviewer",
        "announcer",
        "narrator",
        "interpreter",
        "translator",
        "chairman",
        "the chairman",
        "chairperson",
        "chair",
        "the chair",
        "operator",
        "speaker",
    }
)
# Forms of address: "Mr. President:" opens a paragraph of a speech, it is no speaker's label.
ADDRESSES: frozenset[str] = frozenset(
    """
    excellencies excellency colleagues friends ladies gentlemen comrades members delegates
    citizens everyone all fellow fellow-citizens fellow-countrymen countrymen
    """.split()
)
# Words of an office or outlet rather than of a person ("Presidential Press and Information
# Office"): a document "speaker" made of them is not someone who takes turns.
OFFICE_WORDS: frozenset[str] = frozenset(
    "office service ministry department agency press delegation government bureau".split()
)


@functools.cache
def places() -> frozenset[str]:
    """Lower-case place words and nationalities ("russia", "china", "bulgarian"), each word
    of a multi-word place too ("united", "states"), from NLTK's gazetteers."""
    found: set[str] = set()
    for fileid in ("countries.txt", "nationalities.txt", "usstates.txt", "caprovinces.txt"):
        for entry in analyse.word_list("gazetteers", fileid):
            found.update(word.lower() for word in entry.split() if word[:1].isupper())
    return frozenset(found)


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case English words (NLTK ``words``): a one-word label that is one ("Note",
    "First") must recur in a dialogue to count."""
    return frozenset(w for w in analyse.word_list("words", "en") if w.islower())


# Given names of Russian and other post-Soviet speakers, which NLTK's English lists lack.
_MORE_GIVEN_NAMES = frozenset(
    """
    vladimir dmitry dmitri sergei sergey alexander alexei alexey andrei andrey kirill pavel
    tatyana tatiana yevgeny evgeny olga mikhail yelena elena nikolai nikolay igor anton oleg
    viktor natalya natalia valeriya valeria boris fyodor fedor maxim ilya veronika yury yuri
    denis valentina yekaterina ekaterina anna vitaly svetlana ivan valery rustam vyacheslav
    stanislav leonid roman artyom artem irina konstantin anastasia gennady georgy marina yegor
    nikita ksenia kseniya darya yana ruslan ella margarita elvira vladislav arkady ramzan elina
    yulia alla viktoria inna alexandra lev galina daniil vasily valentin anatoly vadim lyudmila
    stepan timofei yevgeniya alena alyona nadezhda pyotr petr grigory arseny timur marat renat
    ildar dinar magomed oksana polina lidia olesya kristina eduard aslan musa nursultan shavkat
    german
    """.split()
)


@functools.cache
def given_names() -> frozenset[str]:
    """Lower-case given names (NLTK ``names`` and a list of Russian ones), where a name starts
    inside a longer run of capitalised words."""
    english = (w.lower() for f in ("male.txt", "female.txt") for w in analyse.word_list("names", f))
    return frozenset(english) | _MORE_GIVEN_NAMES
